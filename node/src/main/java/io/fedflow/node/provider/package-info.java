/**
 * What this node runs, as FATE-Flow's version, provider and component calls describe it:
 * {@link io.fedflow.node.provider.Providers} answers from the component registry and the node's versions,
 * {@code ProviderGrpcService} adapts it (/v1/version/get, /v1/server/version/get, /v1/provider/*,
 * /v1/component/get and /v1/component/&lt;name&gt;/get).
 *
 * <p>Dependencies: {@code core}, {@code component} (the registry), {@code wire}. Nothing imports it but the root
 * package (the composition root).
 */
package io.fedflow.node.provider;
