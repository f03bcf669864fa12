/**
 * FATE-Flow's hooks ({@code signature}, {@code site_authentication}, {@code client_authentication},
 * {@code permission}) with their parameter and return objects, the built-in implementations, and clients
 * of a registered remote hook service that replaces one.
 *
 * <p>{@link io.fedflow.auth.hook.HookSet} is the four hooks in force; {@code Builtin*Hook} wrap {@code
 * site}, {@code client} and {@code permission}; {@code Grpc*Hook} and {@code Http*Hook} call a registered
 * remote service. Dependencies: the root package, {@code site}, {@code client} and {@code permission},
 * {@code proto} (the hook service's messages), gRPC and the JDK's HTTP client. The only package of {@code auth} that does I/O to other
 * processes.
 */
package io.fedflow.auth.hook;
