package pacts

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.json from the current output")

// goldenPact uses every feature once: query, header and body generators, each matcher, both
// status matchers, state params, a non-identifier body key, and a response without a body.
func goldenPact() Pact {
	return Pact{
		Consumer: "GoldenConsumer",
		Provider: "GoldenProvider",
		Interactions: []Interaction{
			{
				Description: "step 4 with a valid token",
				States:      []State{{Name: "a trader has a valid password reset token", Params: map[string]any{"expiresIn": 300, "group": "default"}}},
				Request: Request{
					Method:  "PUT",
					Path:    "/v1.0/users/passwords/reset/",
					Headers: map[string]Field{"Et-App-Key": {Example: AppKeyPlaceholder}},
					Body: map[string]Field{
						"Token":                {Example: "example-reset-token", Match: MatchType, FromState: "${Token}"},
						"Password":             {Example: "Example-New-Passw0rd"},
						"PasswordConfirmation": {Example: "Example-New-Passw0rd"},
					},
				},
				Response: Response{
					Status: 200, StatusClass: "success",
					Headers: map[string]Field{"Content-Type": {Example: "application/json; charset=utf-8", Match: MatchRegex, Regex: `application/json.*`}},
					Body: map[string]Field{
						"IsSucceed": {Example: true},
						"Errors":    {Example: []any{}, Match: MatchType},
					},
				},
			},
			{
				Description: "step 2 by login",
				States:      []State{{Name: "a trader with a secret question"}},
				Request: Request{
					Method:  "GET",
					Path:    "/v1.0/users/password/secret-question",
					Query:   map[string]Field{"username": {Example: "example-trader", Match: MatchType, FromState: "${User}"}},
					Headers: map[string]Field{"Et-App-Key": {Example: AppKeyPlaceholder}},
				},
				Response: Response{
					Status: 200,
					Body: map[string]Field{
						"Model":       {Example: "What street did you live on in third grade?", Match: MatchType},
						"IsSucceed":   {Example: true},
						"Odd key <1>": {Example: json.Number("1.50")},
					},
				},
			},
			{
				Description: "step 4 without an app key",
				Request: Request{
					Method: "PUT",
					Path:   "/v1.0/users/passwords/reset/",
					Body: map[string]Field{
						"Token": {Example: "example-reset-token"},
					},
				},
				Response: Response{
					Status: 403, StatusIn: []int{401, 403},
					Body: map[string]Field{"error": {Example: "Application key is not defined or does not exist"}},
				},
			},
			{
				Description: "step 4 with a mismatched confirmation",
				States:      []State{{Name: "a trader has a valid password reset token"}},
				Request: Request{
					Method:  "PUT",
					Path:    "/v1.0/users/passwords/reset/",
					Headers: map[string]Field{"Et-App-Key": {Example: AppKeyPlaceholder}, "Content-Type": {Example: "application/json; charset=utf-8"}},
					Body: map[string]Field{
						"Token":                {Example: "example-reset-token", Match: MatchType, FromState: "${Token}"},
						"Password":             {Example: "Example-New-Passw0rd"},
						"PasswordConfirmation": {Example: "Different-Passw0rd"},
						"Attempt":              {Example: 1, Match: MatchType, FromState: "${Attempt}"},
					},
				},
				Response: Response{
					Status: 400, StatusClass: "clientError",
					Body: map[string]Field{
						"IsSucceed":  {Example: false},
						"Errors":     {Example: []any{"Password and confirmation do not match."}, Match: MatchMinType, Min: 1},
						"ErrorsCode": {Example: []any{"ErrorPasswordMismatch"}, Match: MatchMinType, Min: 1},
					},
				},
			},
			{
				Description: "log in",
				States:      []State{{Name: "a trader has a valid password reset token"}},
				Request: Request{
					Method: "POST",
					Path:   "/token",
					Headers: map[string]Field{
						"Et-App-Key": {Example: AppKeyPlaceholder},
						"Username":   {Example: "example-trader", Match: MatchType, FromState: "${User}"},
						"Password":   {Example: "Example-Passw0rd", Match: MatchType, FromState: "${Password}"},
					},
				},
				Response: Response{Status: 200},
			},
		},
	}
}

func TestMarshalV4Golden(t *testing.T) {
	got, err := goldenPact().MarshalV4()
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "pact.golden.json")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -run TestMarshalV4Golden -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("MarshalV4 differs from %s (review, then -update):\n%s", golden, got)
	}
}

func TestMarshalV4Format(t *testing.T) {
	got, err := goldenPact().MarshalV4()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasSuffix(got, []byte("}\n")) || bytes.HasSuffix(got, []byte("\n\n")) {
		t.Error("output does not end in exactly one newline")
	}
	if !bytes.HasPrefix(got, []byte("{\n  \"consumer\": {\n    \"name\"")) {
		t.Errorf("output is not 2-space indented with sorted keys:\n%.80s", got)
	}
	var p struct {
		Metadata     map[string]any
		Interactions []map[string]any
	}
	if err := json.Unmarshal(got, &p); err != nil {
		t.Fatal(err)
	}
	if m, _ := json.Marshal(p.Metadata); string(m) != `{"pactSpecification":{"version":"4.0"}}` {
		t.Errorf("metadata = %s, want only the spec version", m)
	}
	var descs []string
	for _, in := range p.Interactions {
		descs = append(descs, in["description"].(string))
		if in["type"] != "Synchronous/HTTP" || in["pending"] != false {
			t.Errorf("interaction %q: type %v, pending %v", in["description"], in["type"], in["pending"])
		}
	}
	if !slices.IsSorted(descs) {
		t.Errorf("interactions not sorted by description: %q", descs)
	}
	// A request body gets a JSON Content-Type unless the interaction names one.
	if !bytes.Contains(got, []byte(`"application/json; charset=utf-8"`)) {
		t.Error("an explicit request Content-Type was replaced")
	}
}

func TestMarshalV4IsDeterministic(t *testing.T) {
	p := goldenPact()
	want, err := p.MarshalV4()
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 50 {
		q := p
		q.Interactions = slices.Clone(p.Interactions)
		r.Shuffle(len(q.Interactions), func(a, b int) { q.Interactions[a], q.Interactions[b] = q.Interactions[b], q.Interactions[a] })
		got, err := q.MarshalV4()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("run %d: output depends on interaction order or map iteration", i)
		}
	}
}

func TestMarshalV4SortsByDescriptionThenStates(t *testing.T) {
	mk := func(desc string, states ...string) Interaction {
		in := Interaction{Description: desc, Request: Request{Method: "GET", Path: "/x"}, Response: Response{Status: 200}}
		for _, s := range states {
			in.States = append(in.States, State{Name: s})
		}
		return in
	}
	p := Pact{Consumer: "c", Provider: "p", Interactions: []Interaction{
		mk("b"), mk("a", "z"), mk("a", "y", "z"), mk("a"), mk("a", "y"),
	}}
	got, err := p.MarshalV4()
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Interactions []struct {
			Description    string
			ProviderStates []struct{ Name string }
		}
	}
	if err := json.Unmarshal(got, &out); err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, in := range out.Interactions {
		s := in.Description
		for _, st := range in.ProviderStates {
			s += "+" + st.Name
		}
		order = append(order, s)
	}
	want := []string{"a", "a+y", "a+y+z", "a+z", "b"}
	if !slices.Equal(order, want) {
		t.Errorf("order = %q, want %q", order, want)
	}
}

func TestMarshalV4Duplicates(t *testing.T) {
	in := goldenPact().Interactions[2]
	same := Pact{Consumer: "c", Provider: "p", Interactions: []Interaction{in, in}}
	got, err := same.MarshalV4()
	if err != nil {
		t.Fatalf("identical duplicates: %v", err)
	}
	if n := bytes.Count(got, []byte(`"description"`)); n != 1 {
		t.Errorf("identical duplicates written %d times, want once", n)
	}

	other := in
	other.Response.Body = map[string]Field{"error": {Example: "something else"}}
	_, err = Pact{Consumer: "c", Provider: "p", Interactions: []Interaction{in, other}}.MarshalV4()
	if err == nil || !strings.Contains(err.Error(), in.Description) || !strings.Contains(err.Error(), "different content") {
		t.Errorf("conflicting duplicates: error = %v, want one naming %q", err, in.Description)
	}

	// Same description in another state is a different interaction.
	stated := in
	stated.States = []State{{Name: "some state"}}
	if _, err := (Pact{Consumer: "c", Provider: "p", Interactions: []Interaction{in, stated}}).MarshalV4(); err != nil {
		t.Errorf("same description, other states: %v", err)
	}
}

func TestValidate(t *testing.T) {
	ok := func() Interaction { return goldenPact().Interactions[3] }
	cases := []struct {
		name   string
		change func(*Interaction)
		want   string // "" = valid
	}{
		{"valid", func(*Interaction) {}, ""},
		{"no description", func(i *Interaction) { i.Description = " " }, "description is empty"},
		{"empty state", func(i *Interaction) { i.States = []State{{}} }, "name is empty"},
		{"state twice", func(i *Interaction) { i.States = append(i.States, i.States[0]) }, "given twice"},
		{"lower-case method", func(i *Interaction) { i.Request.Method = "put" }, `method "put"`},
		{"relative path", func(i *Interaction) { i.Request.Path = "v1.0/x" }, "does not start with /"},
		{"query in path", func(i *Interaction) { i.Request.Path = "/x?a=b" }, "use Request.Query"},
		{"no example", func(i *Interaction) { i.Request.Body["Token"] = Field{Match: MatchType} }, "has no Example"},
		{"regex without regex", func(i *Interaction) { i.Request.Body["Password"] = Field{Example: "x", Match: MatchRegex} }, "needs a Regex"},
		{"bad regex", func(i *Interaction) { i.Request.Body["Password"] = Field{Example: "x", Match: MatchRegex, Regex: "("} }, "does not compile"},
		{"example not matching", func(i *Interaction) {
			i.Request.Body["Password"] = Field{Example: "json; x", Match: MatchRegex, Regex: "json"}
		}, "as a whole"},
		{"stray regex", func(i *Interaction) { i.Request.Body["Password"] = Field{Example: "x", Regex: "x"} }, "Regex is set"},
		{"minType on string", func(i *Interaction) { i.Response.Body["Errors"] = Field{Example: "x", Match: MatchMinType, Min: 1} }, "needs an array"},
		{"minType empty", func(i *Interaction) { i.Response.Body["Errors"] = Field{Example: []any{}, Match: MatchMinType} }, "at least one example item"},
		{"minType short", func(i *Interaction) {
			i.Response.Body["Errors"] = Field{Example: []any{"a"}, Match: MatchMinType, Min: 2}
		}, "fewer than Min"},
		{"stray min", func(i *Interaction) { i.Response.Body["Errors"] = Field{Example: []any{"a"}, Min: 1} }, "Min is set"},
		{"unknown match", func(i *Interaction) { i.Response.Body["Errors"] = Field{Example: "a", Match: 9} }, "unknown MatchKind(9)"},
		{"bad state expression", func(i *Interaction) { i.Request.Body["Token"] = Field{Example: "x", FromState: "Token"} }, "no ${name}"},
		{"state into an object", func(i *Interaction) {
			i.Request.Body["Token"] = Field{Example: map[string]any{"a": 1}, FromState: "${Token}"}
		}, "string, number or boolean"},
		{"query not a string", func(i *Interaction) { i.Request.Query = map[string]Field{"n": {Example: 1}} }, "must be a string"},
		{"header twice", func(i *Interaction) { i.Request.Headers["et-app-key"] = Field{Example: "x"} }, "same header"},
		{"bad header name", func(i *Interaction) { i.Request.Headers["Bad Name"] = Field{Example: "x"} }, "not a valid header name"},
		{"quote in body key", func(i *Interaction) { i.Request.Body["it's"] = Field{Example: "x"} }, "must not contain"},
		{"bad status", func(i *Interaction) { i.Response.Status = 42 }, "not an HTTP status"},
		{"status outside class", func(i *Interaction) { i.Response.Status = 200 }, "is not clientError"},
		{"unknown class", func(i *Interaction) { i.Response.StatusClass = "oops" }, `StatusClass "oops"`},
		{"both status matchers", func(i *Interaction) { i.Response.StatusIn = []int{400} }, "both set"},
		{"status not in list", func(i *Interaction) { i.Response.StatusClass = ""; i.Response.StatusIn = []int{401, 403} }, "not in StatusIn"},
		{"unencodable example", func(i *Interaction) { i.Request.Body["Token"] = Field{Example: make(chan int)} }, "not JSON"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := ok()
			// Fresh maps: the change must not leak into other cases.
			in.Request.Headers = clone(in.Request.Headers)
			in.Request.Body = clone(in.Request.Body)
			in.Response.Body = clone(in.Response.Body)
			c.change(&in)
			err := in.Validate()
			switch {
			case c.want == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case c.want != "" && err == nil:
				t.Errorf("no error, want one containing %q", c.want)
			case c.want != "" && !strings.Contains(err.Error(), c.want):
				t.Errorf("error = %v\nwant it to contain %q", err, c.want)
			case c.want != "" && !strings.Contains(err.Error(), in.Description):
				t.Errorf("error does not name the interaction: %v", err)
			}
		})
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	in := Interaction{Request: Request{Method: "get", Path: "x"}, Response: Response{Status: 1}}
	err := in.Validate()
	for _, want := range []string{"description is empty", `method "get"`, "does not start with /", "not an HTTP status"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error = %v, want it to contain %q", err, want)
		}
	}
}

func TestMarshalV4RejectsMissingNames(t *testing.T) {
	_, err := Pact{Interactions: goldenPact().Interactions}.MarshalV4()
	if err == nil || !strings.Contains(err.Error(), "consumer name") || !strings.Contains(err.Error(), "provider name") {
		t.Errorf("error = %v, want one naming the missing consumer and provider", err)
	}
}

func TestFragmentsRoundTrip(t *testing.T) {
	dir := t.TempDir()
	p := goldenPact()
	for n, in := range p.Interactions {
		if err := WriteFragment(dir, fmt.Sprintf("spec %d: %s", n, in.Description), []Interaction{in}); err != nil {
			t.Fatal(err)
		}
	}
	// A spec that passes with no exchanges to record writes an empty fragment.
	if err := WriteFragment(dir, "a spec without exchanges", nil); err != nil {
		t.Fatal(err)
	}
	got, err := ReadFragments(dir)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := p.MarshalV4()
	merged, err := Pact{Consumer: p.Consumer, Provider: p.Provider, Interactions: got}.MarshalV4()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(merged, want) {
		t.Errorf("pact from fragments differs from the pact made directly:\n%s\nwant:\n%s", merged, want)
	}
}

func TestWriteFragmentRejectsInvalidInteractions(t *testing.T) {
	dir := t.TempDir()
	bad := Interaction{Description: "bad", Request: Request{Method: "GET", Path: "/x"}, Response: Response{Status: 200,
		Body: map[string]Field{"Token": {Match: MatchType}}}}
	err := WriteFragment(dir, "spec with a bad declaration", []Interaction{bad})
	if err == nil || !strings.Contains(err.Error(), "spec with a bad declaration") || !strings.Contains(err.Error(), "no Example") {
		t.Errorf("error = %v, want one naming the spec and the problem", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a fragment was written for an invalid interaction: %v", entries)
	}
}

func TestReadFragmentsErrors(t *testing.T) {
	if _, err := ReadFragments(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("a missing fragments dir gave no error")
	}
	dir := t.TempDir()
	if got, err := ReadFragments(dir); err != nil || len(got) != 0 {
		t.Errorf("empty dir: %v, %v; want nothing and no error", got, err)
	}
	os.WriteFile(filepath.Join(dir, "broken.json"), []byte(`{"SpecID": "x", "Interactions": [`), 0o644)
	os.WriteFile(filepath.Join(dir, ".broken.json.tmp-123"), []byte(`{`), 0o644) // a writer in progress
	_, err := ReadFragments(dir)
	if err == nil || !strings.Contains(err.Error(), "broken.json") || strings.Contains(err.Error(), "tmp-123") {
		t.Errorf("error = %v, want one naming broken.json only", err)
	}
}

func TestFragmentNames(t *testing.T) {
	a, b := fragmentName("Step 4 / rejects a mismatch"), fragmentName("Step 4 / rejects a mismatch!")
	if a == b {
		t.Errorf("two spec IDs share the file name %s", a)
	}
	if !strings.HasPrefix(a, "Step_4_rejects_a_mismatch-") || !strings.HasSuffix(a, ".json") {
		t.Errorf("name %q is not readable", a)
	}
	if long := fragmentName(strings.Repeat("x", 500)); len(long) > 100 {
		t.Errorf("name of a long spec ID is %d characters", len(long))
	}
	if fragmentName("///") == "" || fragmentName("///") == fragmentName("???") {
		t.Error("spec IDs with no safe characters are not told apart")
	}
}

// TestFragmentsUnderConcurrentWriters runs writers in goroutines and in separate processes
// (as parallel Ginkgo processes are) while a reader keeps reading: no interaction is lost
// and the reader never sees a half-written file.
func TestFragmentsUnderConcurrentWriters(t *testing.T) {
	dir := t.TempDir()
	const goroutines, processes, perWriter = 8, 4, 25
	specs := goldenPact().Interactions

	stop := make(chan struct{})
	readerDone := make(chan error, 1)
	go func() {
		for {
			select {
			case <-stop:
				readerDone <- nil
				return
			default:
			}
			if _, err := ReadFragments(dir); err != nil {
				readerDone <- err
				return
			}
		}
	}()

	var wg sync.WaitGroup
	errs := make(chan error, goroutines+processes)
	for w := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				in := specs[i%len(specs)]
				in.Description = fmt.Sprintf("goroutine %d spec %d", w, i)
				if err := WriteFragment(dir, in.Description, []Interaction{in}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for w := range processes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperFragmentWriter$")
			cmd.Env = append(os.Environ(), "CONTRACT_HELPER_DIR="+dir, "CONTRACT_HELPER_WRITER="+strconv.Itoa(w),
				"CONTRACT_HELPER_COUNT="+strconv.Itoa(perWriter))
			if out, err := cmd.CombinedOutput(); err != nil {
				errs <- fmt.Errorf("writer process %d: %v\n%s", w, err, out)
			}
		}()
	}
	wg.Wait()
	close(stop)
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if err := <-readerDone; err != nil {
		t.Errorf("a reader saw a broken fragment: %v", err)
	}

	got, err := ReadFragments(dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := (goroutines + processes) * perWriter; len(got) != want {
		t.Errorf("read %d interactions, want %d", len(got), want)
	}
	if _, err := (Pact{Consumer: "c", Provider: "p", Interactions: got}).MarshalV4(); err != nil {
		t.Error(err)
	}
}

// TestHelperFragmentWriter is a writer process for TestFragmentsUnderConcurrentWriters.
func TestHelperFragmentWriter(t *testing.T) {
	dir := os.Getenv("CONTRACT_HELPER_DIR")
	if dir == "" {
		t.Skip("helper process only")
	}
	w := os.Getenv("CONTRACT_HELPER_WRITER")
	n, _ := strconv.Atoi(os.Getenv("CONTRACT_HELPER_COUNT"))
	specs := goldenPact().Interactions
	for i := range n {
		in := specs[i%len(specs)]
		in.Description = fmt.Sprintf("process %s spec %d", w, i)
		if err := WriteFragment(dir, in.Description, []Interaction{in}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestWritePactReplacesTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pacts", "c-p.json")
	p := goldenPact()
	if err := WritePact(path, p); err != nil {
		t.Fatal(err)
	}
	p.Interactions = p.Interactions[:1] // the other specs were removed
	if err := WritePact(path, p); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	want, _ := p.MarshalV4()
	if !bytes.Equal(got, want) {
		t.Errorf("the file kept interactions of removed specs:\n%s", got)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
	if err := WritePact(path, Pact{}); err == nil {
		t.Error("an invalid pact was written")
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, want) {
		t.Error("a failed WritePact changed the file")
	}
}

func TestMatchKindText(t *testing.T) {
	for _, k := range []MatchKind{MatchExact, MatchType, MatchRegex, MatchMinType} {
		b, err := k.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back MatchKind
		if err := back.UnmarshalText(b); err != nil || back != k {
			t.Errorf("%v -> %s -> %v, %v", k, b, back, err)
		}
	}
	if _, err := MatchKind(7).MarshalText(); err == nil {
		t.Error("an unknown kind was marshalled")
	}
	var k MatchKind
	if err := k.UnmarshalText([]byte("fuzzy")); err == nil {
		t.Error("an unknown name was accepted")
	}
}

// A stub server answers a request with the first interaction, in file order, among those
// that match it equally well (see specificity): within one path and method, the request that
// names more (a header its twin lacks, a value its twin matches by type) comes first.
func TestMarshalV4PutsTheMoreSpecificRequestFirst(t *testing.T) {
	key := Field{Example: AppKeyPlaceholder, Match: MatchRegex, Regex: `^\S+$`}
	mk := func(desc, path string, headers map[string]Field, body map[string]Field) Interaction {
		return Interaction{Description: desc, Request: Request{Method: "POST", Path: path, Headers: headers, Body: body},
			Response: Response{Status: 200}}
	}
	anyCode := map[string]Field{"Code": {Example: "1", Match: MatchType}}
	p := Pact{Consumer: "c", Provider: "p", Interactions: []Interaction{
		mk("a: without the key", "/b", nil, anyCode),
		mk("b: with the key", "/b", map[string]Field{"Et-App-Key": key}, anyCode),
		mk("c: with the key and one exact code", "/b", map[string]Field{"Et-App-Key": key}, map[string]Field{"Code": {Example: "0"}}),
		mk("d: another path", "/a", nil, nil),
	}}
	got, err := p.MarshalV4()
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Interactions []struct{ Description string }
	}
	if err := json.Unmarshal(got, &out); err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, in := range out.Interactions {
		order = append(order, in.Description)
	}
	want := []string{"d: another path", "c: with the key and one exact code", "b: with the key", "a: without the key"}
	if !slices.Equal(order, want) {
		t.Errorf("order = %q, want %q", order, want)
	}
}
