// Package api holds the HTTP contract of elevatepay: the OpenAPI document (served at
// GET /openapi.yaml) and the Go models generated from it.
package api

import (
	_ "embed"
)

//go:generate go tool oapi-codegen -config oapi-codegen.yaml openapi.yaml

// OpenAPI is the OpenAPI 3 document of the API.
//
//go:embed openapi.yaml
var OpenAPI []byte
