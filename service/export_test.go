package service

// CachedSubjects is the number of subjects the SubjectDisabled cache holds.
func CachedSubjects(s *Service) int { return s.subjects.Len() }
