package client

// The generated half comes from the OpenAPI document the server publishes, by the oapi-codegen that
// tools/openapi-clients/go.mod pins.
//go:generate go tool -modfile=../tools/openapi-clients/go.mod oapi-codegen -config oapi-codegen.yaml ../internal/api/openapi.json
