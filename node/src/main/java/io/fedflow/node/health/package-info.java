/**
 * {@code /health}, {@code /health/ready} and {@code /health/live}: {@link
 * io.fedflow.node.health.HealthHttpService} answers from {@link io.fedflow.node.health.NodeHealth}, which checks
 * the database on a connection of its own and the scheduler's heartbeat.
 *
 * <p>Dependencies: {@code store} ({@code ConnectionPool}), {@code job} ({@code SchedulerHeartbeat}), Armeria.
 * Nothing imports it but the root package (the composition root).
 */
package io.fedflow.node.health;
