// OpenAPI v3 for kubectl: the index, per group-version documents from the field schemas, and their paths.
export { OpenApiV3, documentHash, gvPath, type OpenApiDocument, type OpenApiResponse, type SchemaLookup } from './documents.js';
export { resourcePaths, schemaName, type ResourcePaths } from './paths.js';
export { kindSchema, toOpenApi, type OpenApiSchema } from './schema.js';
