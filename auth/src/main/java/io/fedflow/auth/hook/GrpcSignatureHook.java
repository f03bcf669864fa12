package io.fedflow.auth.hook;

import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.SignRequest;
import io.fedflow.proto.v1.SignResponse;
import io.fedflow.proto.v1.SignatureHookServiceGrpc;

/** A registered remote {@code signature} service over gRPC ({@code SignatureHookService}). */
public final class GrpcSignatureHook implements SignatureHook {
    private final GrpcHookClient remote;

    public GrpcSignatureHook(GrpcHookClient remote) {
        this.remote = remote;
    }

    @Override
    public SignatureResult sign(SignatureParameters parameters) {
        return remote.call(channel -> {
            SignResponse reply = SignatureHookServiceGrpc.newBlockingStub(channel)
                    .withDeadline(remote.deadline())
                    .sign(SignRequest.newBuilder().setPartyId(parameters.partyId()).setBody(parameters.body()).build());
            if (reply.getCode() != 0) {
                return SignatureResult.failed(reply.getCode(), GrpcHookClient.messageOr(reply.getMessage(),
                        reply.getCode()));
            }
            if (reply.getSiteSignature().isEmpty()) {
                return SignatureResult.failed(RetCode.EXCEPTION_ERROR.code(),
                        "signature hook " + remote.target() + " answered code 0 but no site_signature");
            }
            return SignatureResult.signed(reply.getSiteSignature());
        }, SignatureResult::failed);
    }
}
