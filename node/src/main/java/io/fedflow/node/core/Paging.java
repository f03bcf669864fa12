package io.fedflow.node.core;

/**
 * One page of a list: {@code limit} rows from row {@link #offset()}, {@code page} counted from 1. A page or
 * limit below 1 is refused naming the field.
 */
public record Paging(int limit, int page) {
    public Paging {
        if (limit < 1) {
            throw FlowException.argument("field limit must be at least 1, got " + limit);
        }
        if (page < 1) {
            throw FlowException.argument("field page must be at least 1, got " + page);
        }
    }

    /** The rows before this page. */
    public long offset() {
        return (long) (page - 1) * limit;
    }
}
