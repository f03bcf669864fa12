/**
 * JSON helpers every domain package shares ({@link io.fedflow.node.json.Json}: parse a stored document, write
 * a jsonb value). Dependencies: Jackson and jOOQ's {@code JSONB} type only (and, until the shared mapper moves
 * to {@code wire}, {@code server.FateJson.MAPPER}); no domain package.
 */
package io.fedflow.node.json;
