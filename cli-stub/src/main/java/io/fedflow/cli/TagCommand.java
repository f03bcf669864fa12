package io.fedflow.cli;

import io.fedflow.proto.v1.TagRequest;
import io.fedflow.proto.v1.TagServiceGrpc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code flow tag ...}: FATE's model tags, with FATE's flag names. */
@Command(name = "tag", mixinStandardHelpOptions = true, description = "Tag Operations")
final class TagCommand {
    @ParentCommand
    FlowCli flow;

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a tag.")
    int create(@Option(names = {"-t", "--tag-name"}, required = true) String name,
               @Option(names = {"-d", "--tag-desc"}) String description) {
        TagRequest.Builder r = TagRequest.newBuilder().setTagName(name);
        if (description != null) {
            r.setTagDesc(description);
        }
        return flow.call(channel -> TagServiceGrpc.newBlockingStub(channel).create(r.build()));
    }

    @Command(name = "query", mixinStandardHelpOptions = true,
            description = "The tags whose name contains TAG_NAME, or with --with-model the models carrying it.")
    int query(@Option(names = {"-t", "--tag-name"}, required = true) String name,
              @Option(names = "--with-model") boolean withModel) {
        return flow.call(channel -> TagServiceGrpc.newBlockingStub(channel)
                .retrieve(TagRequest.newBuilder().setTagName(name).setWithModel(withModel).build()));
    }

    @Command(name = "update", mixinStandardHelpOptions = true, description = "Rename a tag or change its description.")
    int update(@Option(names = {"-t", "--tag-name"}, required = true) String name,
               @Option(names = "--new-tag-name") String newName,
               @Option(names = "--new-tag-desc") String newDescription) {
        TagRequest.Builder r = TagRequest.newBuilder().setTagName(name);
        if (newName != null) {
            r.setNewTagName(newName);
        }
        if (newDescription != null) {
            r.setNewTagDesc(newDescription);
        }
        return flow.call(channel -> TagServiceGrpc.newBlockingStub(channel).update(r.build()));
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a tag (the models it tagged stay).")
    int delete(@Option(names = {"-t", "--tag-name"}, required = true) String name) {
        return flow.call(channel -> TagServiceGrpc.newBlockingStub(channel)
                .destroy(TagRequest.newBuilder().setTagName(name).build()));
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Tags, oldest first, each with how many models carry it.")
    int list(@Option(names = {"-l", "--limit"}, defaultValue = "10") int limit) {
        return flow.call(channel -> TagServiceGrpc.newBlockingStub(channel)
                .list(TagRequest.newBuilder().setLimit(limit).build()));
    }
}
