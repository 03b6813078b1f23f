// The Error type every layer uses to report failures, with its codes.

package elevatepay

import (
	"errors"
	"fmt"
)

// Error codes. Each maps to exactly one HTTP status in httpapi.
const (
	EINVALID        = "invalid"         // 400: malformed or rule-breaking input
	EUNAUTHORIZED   = "unauthorized"    // 401
	EFORBIDDEN      = "forbidden"       // 403
	ENOTFOUND       = "not_found"       // 404
	ECONFLICT       = "conflict"        // 409
	ETOOLARGE       = "too_large"       // 413
	EUNSUPPORTED    = "unsupported"     // 415
	ENOTACCEPTABLE  = "not_acceptable"  // 406
	ENOTIMPLEMENTED = "not_implemented" // 501
	EPROVIDER       = "provider"        // 502
	EINTERNAL       = "internal"        // 500
)

// FieldError names one invalid field or query parameter.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is a failure with a code and a message that is safe to show to the caller.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError
}

func (e *Error) Error() string {
	return fmt.Sprintf("elevatepay error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns a validation error for one field.
func Invalid(field, message string) *Error {
	return &Error{Code: EINVALID, Message: field + " " + message, Fields: []FieldError{{Field: field, Message: message}}}
}

// Rule returns a business-rule violation (400) whose message is a whole sentence about field.
func Rule(field, message string) *Error {
	return &Error{Code: EINVALID, Message: message, Fields: []FieldError{{Field: field, Message: message}}}
}

// NotFound returns a not-found error for a kind of resource.
func NotFound(kind string) *Error {
	return &Error{Code: ENOTFOUND, Message: kind + " not found"}
}

// ErrorCode returns the code of err, EINTERNAL for errors that are not *Error.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of err; internal errors get a generic text.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
