/**
 * The modules Fedflow runs itself, ported from FATE 1.x and indexed by {@link
 * io.fedflow.node.component.builtin.Builtins}: Reader, DataTransform (alias DataIO), Intersection (raw and
 * RSA), FeatureScale, HeteroFeatureBinning, HeteroFeatureSelection, LR (one party), HeteroLR (guest, hosts and
 * arbiter; protocol in {@code HeteroLRProtocol}) and Evaluation. Shared helpers: {@code Params} (parameters
 * with FATE's defaults), {@code Inputs}, {@code PeerMessages} (framing of messages between parties), {@code
 * PredictTable}, {@code EncryptedAlgebra}.
 *
 * <p>Dependencies: {@code component} (the interface it implements), {@code component.paillier}, the root
 * package ({@code FlowException}, {@code RetCode}), Jackson, BouncyCastle and gRPC's {@code Status}
 * codes (which {@code FlowException} carries). Must not import {@code job},
 * {@code data}, {@code federation}, {@code tracking}, {@code store} or {@code server}: a module sees tables,
 * peers and metrics only through {@code ComponentContext} and {@code FederationChannel} (tests run them on
 * in-memory ones). True today.
 */
package io.fedflow.node.component.builtin;
