/**
 * {@code bin/fedflow-demo}: {@link io.fedflow.demo.FederationDemo} starts three sites in one process,
 * peers them and drives a two-party job only through their public {@code /v1} JSON API ({@link
 * io.fedflow.demo.FlowApiClient}, plain HTTP).
 *
 * <p>Dependencies: the root package ({@code Node}, {@code NodeConfig}) to start the nodes, and nothing else of
 * Fedflow: everything the demo shows must work against any node. Nothing imports it.
 */
package io.fedflow.demo;
