package service

import "time"

// DisabledTTL bounds how long an answer of SubjectDisabled is reused: a `users disable` run by
// another process (the CLI) is honoured by a running server within this time; DisableUser in the
// same process takes effect at once.
const DisabledTTL = time.Second

// maxCachedSubjects bounds the cache of SubjectDisabled (a ttlcache.Cache in Service.subjects,
// which remembers whether token subjects are disabled accounts, so a request does not run a
// transaction of its own to find out: issue 8, that was 16 % of a payment's CPU). Subjects come
// only from tokens whose signature verified, but the bound holds whatever mints them: when full,
// the cache starts again empty.
const maxCachedSubjects = 10_000
