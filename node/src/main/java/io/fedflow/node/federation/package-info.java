/**
 * Talking to other sites over the site port. {@link io.fedflow.node.federation.PeerDirectory} is the route
 * table (party id to {@link io.fedflow.node.federation.Peer}: address, public key, TLS), editable as a JSON
 * file; {@link io.fedflow.node.federation.PartyClient} makes signed, retried calls to peers and implements
 * {@code job.RemoteParties}; {@link io.fedflow.node.federation.PartyGrpcService} is the inbound side of the
 * job protocol. {@link io.fedflow.node.federation.TransferChannel} carries component messages (it implements
 * {@code component.FederationChannel.Factory} and {@code job.TaskChannels}), received by {@code
 * TransferGrpcService} into {@code TransferStore}, keyed by {@code TransferKey}; a commit wakes the receivers
 * waiting for it ({@code TransferWaiters}), those of the site's other processes through the NOTIFY that {@code
 * TransferNotifyStore} is handed by the node's one listening connection ({@code store.DatabaseNotifications}). {@code SiteSigningInterceptor} and {@code
 * SiteVerifyingInterceptor} sign and check every site call with {@code auth.site}; {@code
 * SiteNonceGuard} remembers site calls' nonces (in memory, written in batches by {@code SiteNonceStore}),
 * {@code PostgresReplayGuard} client calls' ones; {@code SiteMutualTls} sets up optional mutual TLS; {@code
 * SiteAdminGrpcService} serves the site key, peer table and FATE's {@code /v1/key} calls.
 *
 * <p>Dependencies: {@code auth} ({@code site}, {@code replay}, {@code tls}), {@code core}, {@code component}
 * ({@code FederationChannel}), {@code job} (the interfaces it implements, and {@code JobParticipant}, the one
 * seam of inbound job calls), {@code store}, {@code wire} ({@code Responses}, {@code FateJson}, {@code
 * SiteMessages}). Nothing but the root package (the composition root) imports {@code federation}: {@code
 * job} and {@code component} see it only through their interfaces. Its refusals (a site call that fails verification) are thrown; the
 * site port's error handler answers them.
 */
package io.fedflow.node.federation;
