package refprovider

// The faults that test whether a check is proven, not only refused (issue 22); the fault
// matrix runs them too.
func init() {
	for name, fc := range proofFaultCases {
		faultCases[name] = fc
	}
}

var proofFaultCases = map[string]faultCase{
	FaultRefusalConsumesToken: {func(e *env) error {
		v := e.state(StateValidToken)
		if err := check(e.step4(v["Token"], "password1", "password1"), 400, false, nil, []string{"ErrorPasswordTooCommon"}); err != nil {
			return err
		}
		return tokenStillWorks(e, v, "after a refused common password")
	}, "the token no longer works"},
}
