package client

import "sync/atomic"

// sent counts the requests this process put on the wire to the target (every Client.Do
// that reached the transport). A run whose specs sent nothing proved nothing, whatever
// Ginkgo says of them (a dry run passes every spec): the suite reads this count per spec
// and fails such a run.
var sent atomic.Int64

// Sent is how many requests this process has sent so far.
func Sent() int64 { return sent.Load() }
