// Package spelling suggests the name a user most likely meant: a misspelt setting, a
// mistyped label.
package config

// Nearest returns the candidate closest to w by edit distance, if it is close enough to be
// a plausible typo (at most a third of w's length, plus one), else "". Ties go to the
// candidate that sorts first, so the suggestion does not depend on the candidates' order.
func Nearest(w string, candidates []string) string {
	threshold := len(w)/3 + 1
	best, bestD := "", threshold+1
	for _, c := range candidates {
		d := Distance(w, c)
		if d <= threshold && (d < bestD || (d == bestD && c < best)) {
			best, bestD = c, d
		}
	}
	return best
}

// Distance is the Levenshtein distance of a and b, in bytes (names and labels are ASCII).
func Distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
