package io.fedflow.cli;

import io.fedflow.proto.v1.BindTableRequest;
import io.fedflow.proto.v1.ConnectorRequest;
import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.TableRequest;
import io.fedflow.proto.v1.TableServiceGrpc;
import io.fedflow.proto.v1.TableServiceGrpc.TableServiceBlockingStub;
import java.nio.file.Path;
import java.util.function.BiFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code flow table ...}: meta, deletion, binding and lineage of tables. */
@Command(name = "table", mixinStandardHelpOptions = true, description = "Table Operations")
final class TableCommand {
    @ParentCommand
    FlowCli flow;

    /** The table a command is about, named as FATE's CLI names it. */
    static final class Name {
        @Option(names = {"-t", "--table-name"}, required = true, description = "Table name.")
        String table;
        @Option(names = {"-n", "--namespace"}, required = true, description = "Table namespace.")
        String namespace;

        TableRequest request() {
            return TableRequest.newBuilder().setTableName(table).setNamespace(namespace).build();
        }
    }

    @Command(name = "info", mixinStandardHelpOptions = true,
            description = "Show a table's meta (exist 0 when there is no such table).")
    int info(@picocli.CommandLine.Mixin Name name) {
        return on(name, TableServiceBlockingStub::tableInfo);
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a table and its data.")
    int delete(@picocli.CommandLine.Mixin Name name) {
        return on(name, TableServiceBlockingStub::deleteTable);
    }

    @Command(name = "tracking-source", mixinStandardHelpOptions = true,
            description = "The tables this table was derived from.")
    int trackingSource(@picocli.CommandLine.Mixin Name name) {
        return on(name, TableServiceBlockingStub::trackingSource);
    }

    @Command(name = "tracking-job", mixinStandardHelpOptions = true, description = "The jobs that used this table.")
    int trackingJob(@picocli.CommandLine.Mixin Name name) {
        return on(name, TableServiceBlockingStub::trackingJob);
    }

    /** FATE's disable/enable filter: either flag may be left out, at least one is needed. */
    static final class Filter {
        @Option(names = {"-t", "--table-name"}, description = "Table name.")
        String table = "";
        @Option(names = {"-n", "--namespace"}, description = "Table namespace (alone: every table of it).")
        String namespace = "";

        TableRequest request() {
            return TableRequest.newBuilder().setTableName(table).setNamespace(namespace).build();
        }
    }

    @Command(name = "disable", mixinStandardHelpOptions = true,
            description = "Disable the matching tables: jobs and downloads refuse them until enabled.")
    int disable(@picocli.CommandLine.Mixin Filter filter) {
        return flow.call(channel -> TableServiceGrpc.newBlockingStub(channel).disableTable(filter.request()));
    }

    @Command(name = "enable", mixinStandardHelpOptions = true, description = "Enable the matching disabled tables.")
    int enable(@picocli.CommandLine.Mixin Filter filter) {
        return flow.call(channel -> TableServiceGrpc.newBlockingStub(channel).enableTable(filter.request()));
    }

    @Command(name = "disable-delete", mixinStandardHelpOptions = true,
            description = "Delete every disabled table and its data.")
    int disableDelete() {
        return flow.call(channel -> TableServiceGrpc.newBlockingStub(channel)
                .deleteDisabledTables(TableRequest.getDefaultInstance()));
    }

    @Command(name = "bind", aliases = "add", mixinStandardHelpOptions = true,
            description = "Register an existing PostgreSQL or MySQL table as a Fedflow table, without copying it "
                    + "(FATE's table add).")
    int bind(@Option(names = {"-c", "--conf-path"}, required = true,
                     description = "FATE bind conf: engine, address, namespace, name, head, id_delimiter...")
             Path confPath,
             @Option(names = "--drop", description = "Replace an existing binding (drop=1).") boolean drop) {
        return flow.call(channel -> {
            BindTableRequest.Builder request =
                    ConfFile.into(ConfFile.read(confPath), BindTableRequest.newBuilder(), confPath);
            if (drop) {
                request.setDrop(1);
            }
            return TableServiceGrpc.newBlockingStub(channel).bindTable(request.build());
        });
    }

    @Command(name = "connector-create", mixinStandardHelpOptions = true,
            description = "Create a MySQL connector, or replace the settings of the one of that name.")
    int connectorCreate(@Option(names = {"-c", "--conf-path"}, required = true,
                                description = "Conf: connector_name, engine (MYSQL), connector_info {host, port, db, "
                                        + "user, passwd}.") Path confPath) {
        return flow.call(channel -> TableServiceGrpc.newBlockingStub(channel).createConnector(
                ConfFile.into(ConfFile.read(confPath), ConnectorRequest.newBuilder(), confPath).build()));
    }

    @Command(name = "connector-query", mixinStandardHelpOptions = true,
            description = "Show a connector's settings (the password masked).")
    int connectorQuery(@Option(names = "--connector-name", required = true, description = "Connector name.")
                       String connectorName) {
        return flow.call(channel -> TableServiceGrpc.newBlockingStub(channel).queryConnector(
                ConnectorRequest.newBuilder().setConnectorName(connectorName).build()));
    }

    private int on(Name name, BiFunction<TableServiceBlockingStub, TableRequest, FlowResponse> rpc) {
        return flow.call(channel -> rpc.apply(TableServiceGrpc.newBlockingStub(channel), name.request()));
    }
}
