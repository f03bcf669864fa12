package io.fedflow.auth.hook;

/** A registered remote {@code permission} service. */
public final class HttpPermissionHook implements PermissionHook {
    private final HttpJsonHook remote;

    public HttpPermissionHook(HttpJsonHook remote) {
        this.remote = remote;
    }

    @Override
    public HookResult check(PermissionCheckParameters parameters) {
        HttpJsonHook.Reply reply = remote.call(parameters.toJson());
        return new HookResult(reply.code(), reply.message());
    }
}
