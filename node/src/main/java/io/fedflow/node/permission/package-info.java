/**
 * The node's side of FATE's permission: {@link io.fedflow.node.permission.PostgresGrantStore} keeps the
 * grants of both FATE permission APIs (1.7's privileges, 1.9+'s component/dataset grants) in PostgreSQL,
 * {@link io.fedflow.node.permission.PermissionAdmission} checks every inbound job through the {@code
 * permission} hook in force (it implements {@code job.JobAdmission}), and {@code PermissionGrpcService} is the
 * gRPC adapter. The grant model and the policy itself live in {@code io.fedflow.auth.permission}.
 *
 * <p>Dependencies: {@code auth.permission}, {@code auth.hook}, {@code core}, {@code job} ({@code
 * JobAdmission}, {@code JobPlan}), {@code store}, {@code wire} ({@code FateJson}, {@code Responses}).
 * Nothing imports it but the root package (the composition root).
 */
package io.fedflow.node.permission;
