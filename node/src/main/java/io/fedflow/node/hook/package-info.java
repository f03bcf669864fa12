/**
 * FATE's third-party service registration (servers and their services, in PostgreSQL) and the hooks in
 * force that it decides: a registered signature, site_authentication, client_authentication or permission
 * service replaces the built-in hook. {@link io.fedflow.node.hook.ServiceRegistry} checks and records
 * registrations in {@link io.fedflow.node.hook.RegistryStore} and rebuilds {@link
 * io.fedflow.node.hook.HookRegistry}, whose current {@code auth.hook.HookSet} {@code Node} hands (as suppliers)
 * to site signing and verification, permission admission and client authentication;
 * {@code RegistryGrpcService} is the gRPC adapter of {@code /v1/server} and {@code /v1/service}.
 * {@link io.fedflow.node.hook.RegisteredDataServices} implements {@code component.DataServiceClient} over the
 * registered {@code upload}, {@code query} and {@code download} services, for ApiReader.
 *
 * <p>Dependencies: {@code auth.hook} (the hooks and their remote clients), {@code component} (the
 * {@code DataServiceClient} port), {@code core}, {@code store}, {@code wire} ({@code FateJson}, {@code Responses}). Nothing imports it but the root package (the composition root).
 */
package io.fedflow.node.hook;
