package pacts

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// fragment is the file one passing spec writes.
type fragment struct {
	SpecID       string
	Interactions []Interaction
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// fragmentName is readable (from the spec ID) and unique (a hash of the whole ID), so two
// specs never write the same file and a re-run of one spec replaces its own file.
func fragmentName(specID string) string {
	sum := sha256.Sum256([]byte(specID))
	base := strings.Trim(unsafeName.ReplaceAllString(specID, "_"), "._-")
	if len(base) > 80 {
		base = base[:80]
	}
	if base == "" {
		base = "spec"
	}
	return base + "-" + hex.EncodeToString(sum[:6]) + ".json"
}

// WriteFragment writes the interactions of one passing spec to their own file in dir,
// atomically, so parallel Ginkgo processes never share a file and a reader never sees half
// of one. The interactions are validated first: a bad declaration fails the spec that made
// it, not the merge at the end.
func WriteFragment(dir string, specID string, interactions []Interaction) error {
	if strings.TrimSpace(specID) == "" {
		return errors.New("contract: WriteFragment: spec ID is empty")
	}
	var errs []error
	for _, in := range interactions {
		if err := in.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("contract: spec %q: %w", specID, errors.Join(errs...))
	}
	data, err := encode(fragment{SpecID: specID, Interactions: interactions})
	if err != nil {
		return fmt.Errorf("contract: spec %q: %w", specID, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("contract: %w", err)
	}
	return writeAtomic(filepath.Join(dir, fragmentName(specID)), data)
}

// ReadFragments returns the interactions of every fragment in dir. Temporary files of
// writers still running are skipped. A file that does not decode or
// holds an invalid interaction is an error naming the file; a missing dir is an error too
// (no spec passed, or the fragments went elsewhere), while an empty one is not.
func ReadFragments(dir string) ([]Interaction, error) {
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("contract: fragments: %w", err)
	}
	// Temporary files end in .tmp-NNN, so they never match.
	names, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, fmt.Errorf("contract: %w", err)
	}
	var all []Interaction
	var errs []error
	for _, name := range names { // sorted by Glob
		data, err := os.ReadFile(name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		var f fragment
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber() // keep numbers exactly as written (no float64 round trip)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&f); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
			continue
		}
		for _, in := range f.Interactions {
			if err := in.Validate(); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", name, err))
				continue
			}
			all = append(all, in)
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("contract: reading fragments: %w", errors.Join(errs...))
	}
	return all, nil
}

// WritePact writes the pact to path atomically, replacing the whole file: interactions are
// never merged with an older file, so one whose spec was removed disappears.
func WritePact(path string, p Pact) error {
	data, err := p.MarshalV4()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("contract: %w", err)
	}
	return writeAtomic(path, data)
}

// writeAtomic writes a temporary dot file beside path, then renames it over path.
func writeAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("contract: %w", err)
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("contract: writing %s: %w", path, err)
	}
	return nil
}
