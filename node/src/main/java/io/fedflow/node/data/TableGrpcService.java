package io.fedflow.node.data;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.wire.Responses;
import io.fedflow.proto.v1.BindTableRequest;
import io.fedflow.proto.v1.ConnectorRequest;
import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.ListTablesRequest;
import io.fedflow.proto.v1.TableRequest;
import io.fedflow.proto.v1.TableServiceGrpc;
import io.grpc.stub.StreamObserver;

/** gRPC adapter of table meta, binding, deletion and lineage. */
public final class TableGrpcService extends TableServiceGrpc.TableServiceImplBase {
    private final TableCatalog catalog;
    private final TableBinder binder;
    private final JobTableStore jobTables;
    private final TableConnectors connectors;

    public TableGrpcService(TableCatalog catalog, TableBinder binder, JobTableStore jobTables,
                            TableConnectors connectors) {
        this.catalog = catalog;
        this.binder = binder;
        this.jobTables = jobTables;
        this.connectors = connectors;
    }

    private static TableId id(TableRequest r) {
        return new TableId(r.getNamespace(), r.getTableName().isEmpty() ? r.getName() : r.getTableName());
    }

    @Override
    public void tableInfo(TableRequest request, StreamObserver<FlowResponse> out) {
        reply(out, Responses.ok(catalog.info(id(request))));
    }

    @Override
    public void deleteTable(TableRequest request, StreamObserver<FlowResponse> out) {
        reply(out, Responses.ok(catalog.delete(id(request))));
    }

    @Override
    public void bindTable(BindTableRequest request, StreamObserver<FlowResponse> out) {
        reply(out, Responses.ok(binder.bind(request)));
    }

    @Override
    public void listTables(ListTablesRequest request, StreamObserver<FlowResponse> out) {
        if (request.getJobId().isEmpty() || request.getRole().isEmpty() || request.getPartyId().isEmpty()) {
            throw FlowException.argument("required argument are missing: job_id, role, party_id");
        }
        reply(out, Responses.ok(jobTables.list(request.getJobId(), request.getRole(), request.getPartyId())));
    }

    @Override
    public void trackingSource(TableRequest request, StreamObserver<FlowResponse> out) {
        reply(out, Responses.ok(catalog.trackingSource(id(request))));
    }

    @Override
    public void trackingJob(TableRequest request, StreamObserver<FlowResponse> out) {
        reply(out, Responses.ok(catalog.trackingJob(id(request))));
    }

    @Override
    public void disableTable(TableRequest request, StreamObserver<FlowResponse> out) {
        reply(out, Responses.ok(catalog.setDisabled(request.getNamespace(), name(request), true)));
    }

    @Override
    public void enableTable(TableRequest request, StreamObserver<FlowResponse> out) {
        reply(out, Responses.ok(catalog.setDisabled(request.getNamespace(), name(request), false)));
    }

    @Override
    public void deleteDisabledTables(TableRequest request, StreamObserver<FlowResponse> out) {
        reply(out, Responses.ok(catalog.deleteDisabled()));
    }

    @Override
    public void createConnector(ConnectorRequest request, StreamObserver<FlowResponse> out) {
        connectors.create(request);
        reply(out, Responses.ok());
    }

    @Override
    public void queryConnector(ConnectorRequest request, StreamObserver<FlowResponse> out) {
        reply(out, Responses.ok(connectors.query(request.getConnectorName())));
    }

    private static String name(TableRequest r) {
        return r.getTableName().isEmpty() ? r.getName() : r.getTableName();
    }

    private static void reply(StreamObserver<FlowResponse> out, FlowResponse r) {
        out.onNext(r);
        out.onCompleted();
    }

    static ObjectNode empty() {
        return JsonNodeFactory.instance.objectNode();
    }
}
