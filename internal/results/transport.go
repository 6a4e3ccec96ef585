package results

// transportMeta are the header rows about how the target was reached and what its rate
// limits cost.
func transportMeta(run PageRun) []metaRow {
	var rows []metaRow
	if run.Connection != "" {
		rows = append(rows, metaRow{"Connection", run.Connection})
	}
	if run.RateLimit != "" {
		rows = append(rows, metaRow{"Rate-limit waits", run.RateLimit})
	}
	return rows
}

// inconclusiveVerdict replaces a failed verdict when every failure is a rate limit the
// budget could not wait out: the run proved nothing either way.
func inconclusiveVerdict(run PageRun, v htmlVerdict) htmlVerdict {
	if run.Inconclusive == "" || v.Class != "failed" {
		return v
	}
	return htmlVerdict{"failed", "Inconclusive", run.Inconclusive}
}
