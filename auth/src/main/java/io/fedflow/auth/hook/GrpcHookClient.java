package io.fedflow.auth.hook;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import io.fedflow.proto.RetCode;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.Deadline;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A hook service registered with protocol {@code grpc}: one channel to it, and a deadline on every call.
 * The {@code Grpc*Hook} classes call the hooks.proto services through it.
 *
 * <p>Calls never throw: a service that is down, too slow or failing gives code 100 (FATE's
 * EXCEPTION_ERROR, what FATE-Flow answers when a remote hook fails) and a message naming the hook and
 * address. Closing it shuts the channel down once the calls in flight have ended.
 */
public final class GrpcHookClient implements AutoCloseable {
    private static final JsonFormat.Parser JSON = JsonFormat.parser();

    private final HookName hook;
    private final String target;
    private final ManagedChannel channel;
    private final Duration timeout;

    private GrpcHookClient(HookName hook, String target, ManagedChannel channel, Duration timeout) {
        this.hook = hook;
        this.target = target;
        this.channel = channel;
        this.timeout = timeout;
    }

    /**
     * Opens a channel to {@code host:port}; plain text unless {@code tls} (then the JVM's trust store).
     * The channel connects lazily, so a service that is down is reported by the first call, not here.
     */
    public static GrpcHookClient open(HookName hook, String host, int port, boolean tls, Duration timeout) {
        ChannelCredentials credentials = tls ? TlsChannelCredentials.create() : InsecureChannelCredentials.create();
        ManagedChannel channel = Grpc.newChannelBuilderForAddress(host, port, credentials).build();
        return new GrpcHookClient(hook, (tls ? "grpcs://" : "grpc://") + host + ":" + port, channel, timeout);
    }

    public HookName hook() {
        return hook;
    }

    /** Where it calls, for messages: {@code grpc://host:port}. */
    public String target() {
        return target;
    }

    /** This client as the hook it implements. */
    public HookSet installIn(HookSet hooks) {
        return switch (hook) {
            case SIGNATURE -> hooks.withSignature(new GrpcSignatureHook(this));
            case SITE_AUTHENTICATION -> hooks.withSiteAuthentication(new GrpcSiteAuthenticationHook(this));
            case CLIENT_AUTHENTICATION -> hooks.withClientAuthentication(new GrpcClientAuthenticationHook(this));
            case PERMISSION -> hooks.withPermission(new GrpcPermissionHook(this));
        };
    }

    /** Makes one call with the deadline; a failed call becomes {@code onFailure(code 100, message)}. */
    <R> R call(Function<Channel, R> rpc, BiFunction<Integer, String, R> onFailure) {
        try {
            return rpc.apply(channel);
        } catch (StatusRuntimeException e) {
            String description = e.getStatus().getDescription();
            return onFailure.apply(RetCode.EXCEPTION_ERROR.code(), hook.serviceName() + " hook " + target + " failed: "
                    + e.getStatus().getCode() + (description == null ? "" : " (" + description + ")"));
        }
    }

    /** The deadline of a call starting now. */
    Deadline deadline() {
        return Deadline.after(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    static Value value(JsonNode node) {
        Value.Builder value = Value.newBuilder();
        try {
            JSON.merge(node == null ? "null" : node.toString(), value);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not representable as a protobuf Value: " + e.getMessage(), e);
        }
        return value.build();
    }

    /** The JSON object as a Struct; anything else (null, a list) as no Struct at all. */
    static Struct struct(JsonNode node) {
        return node != null && node.isObject() ? value(node).getStructValue() : Struct.getDefaultInstance();
    }

    static String messageOr(String message, int code) {
        if (message != null && !message.isEmpty()) {
            return message;
        }
        return code == 0 ? "success" : "refused by the remote hook (code " + code + ")";
    }

    @Override
    public void close() {
        channel.shutdown();
    }
}
