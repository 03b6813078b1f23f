//go:build race

package moneytest_test

const raceEnabled = true
