package io.fedflow.node.model;

/** A model tag: its row id, name and description; {@code modelCount} is how many model versions carry it. */
public record Tag(long id, String name, String description, int modelCount) {}
