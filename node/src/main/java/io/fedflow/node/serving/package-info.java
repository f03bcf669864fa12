/**
 * Models served online by the node itself, where FATE needs FATE-Serving. {@link
 * io.fedflow.node.serving.ModelLoading} is FATE's load and bind at the initiator: every party loads its part
 * (this node's directly, the others' over the signed site port through {@link io.fedflow.node.serving.ServingSites}
 * and {@code ServingSiteGrpcService}), and a failure unloads what was loaded. {@link
 * io.fedflow.node.serving.ServingRegistry} keeps each loaded part, compiled into a {@code ScoringPipeline}
 * (DataTransform's parse, FeatureScale, HeteroFeatureBinning's transform, HeteroFeatureSelection, LR or HeteroLR,
 * each mirroring its component's predict arithmetic so that a row scores as a predict job scores it), persisted
 * by {@link io.fedflow.node.serving.ServingStore} with the service ids bound to it; a host's part reads its
 * features by id through {@code data.TableKeys}. {@link io.fedflow.node.serving.OnlineInference} scores rows at
 * the guest (its partial score plus each host's, one site call per host per batch, within the inference
 * timeout) and answers FATE-Serving's codes; {@code InferenceJson} and {@code InferenceGrpcService} adapt it to
 * FATE-Serving's JSON and to gRPC, {@code ServingGrpcService} adapts load and bind.
 *
 * <p>Trained models come through {@link io.fedflow.node.serving.TrainedModels}, read from the model registry
 * ({@code RegistryTrainedModels}). Dependencies: {@code core}, {@code store}, {@code json}, {@code wire},
 * {@code data}, {@code component.builtin} (DataTransform's number reading), {@code federation} (the signed site client) and {@code model}; nothing imports it but the root
 * package.
 */
package io.fedflow.node.serving;
