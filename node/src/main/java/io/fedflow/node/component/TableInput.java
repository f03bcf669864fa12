package io.fedflow.node.component;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A table a task reads: an upstream component's output, or for Reader the table its parameters name.
 *
 * @param source "reader_0.data" for an upstream output; "namespace.name" for a stored table
 * @param namespace the stored table's namespace
 * @param name the stored table's name
 * @param schema {"sid", "header", and for instances "label_name", "with_label", ...}
 * @param delimiter between the values of a row
 * @param count number of rows
 */
public record TableInput(String source, String namespace, String name, JsonNode schema, String delimiter,
                         long count) {}
