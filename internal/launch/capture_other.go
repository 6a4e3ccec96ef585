//go:build !linux && !darwin

package launch

import (
	"errors"
	"io"
	"os"
)

// captureStdout is not available here: Ginkgo's output is shown as it writes it.
func captureStdout(func(io.Writer) io.Writer) (*os.File, func(), error) {
	return nil, nil, errors.New("not supported on this system")
}
