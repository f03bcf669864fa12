package io.fedflow.node.data;

import io.fedflow.node.core.FlowException;

/** A table's FATE identity: namespace and name, each at most 100 characters. */
public record TableId(String namespace, String name) {
    public TableId {
        if (isBlank(namespace) && isBlank(name)) {
            throw FlowException.argument("required argument are missing: namespace, table_name");
        }
        if (isBlank(namespace)) {
            throw FlowException.argument("required argument are missing: namespace");
        }
        if (isBlank(name)) {
            throw FlowException.argument("required argument are missing: table_name");
        }
        if (namespace.length() > 100 || name.length() > 100) {
            throw FlowException.argument("namespace and table_name must be at most 100 characters");
        }
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    @Override
    public String toString() {
        return namespace + "." + name;
    }
}
