package io.fedflow.node;

import com.linecorp.armeria.common.HttpMethod;
import io.fedflow.node.component.ComponentRegistry;
import io.fedflow.node.component.builtin.ApiReader;
import io.fedflow.node.component.builtin.Builtins;
import io.fedflow.node.core.BoardLinks;
import io.fedflow.node.core.NodeConfig;
import io.fedflow.node.data.BindAddresses;
import io.fedflow.node.data.ConnectorStore;
import io.fedflow.node.data.DataGrpcService;
import io.fedflow.node.data.DataWriter;
import io.fedflow.node.data.DownloadComponent;
import io.fedflow.node.data.DownloadService;
import io.fedflow.node.data.JobTableStore;
import io.fedflow.node.data.MysqlTables;
import io.fedflow.node.data.TableBinder;
import io.fedflow.node.data.TableCatalog;
import io.fedflow.node.data.TableConnectors;
import io.fedflow.node.data.TableGrpcService;
import io.fedflow.node.data.TableRows;
import io.fedflow.node.data.TableWriter;
import io.fedflow.node.data.UploadComponent;
import io.fedflow.node.data.UploadService;
import io.fedflow.node.data.UploadSpool;
import io.fedflow.node.data.UploadStore;
import io.fedflow.node.data.WriterComponent;
import io.fedflow.node.hook.HookRegistry;
import io.fedflow.node.hook.RegisteredDataServices;
import io.fedflow.node.hook.RegistryStore;
import io.fedflow.node.job.JobIds;
import io.fedflow.node.job.LocalJobStore;
import io.fedflow.node.server.DownloadHttpService;
import io.fedflow.node.server.FlowServer;
import io.fedflow.node.server.UploadHttpService;
import io.fedflow.node.store.Database;
import java.time.Clock;
import java.util.List;

/**
 * The data domain wired for one node: tables over the request pool for the client API, and the same
 * stores over the job pool for the scheduler's tasks (and the Upload, Download and Writer modules they run).
 */
final class DataWiring {
    private final ClientPort clientPort;
    private final ComponentRegistry registry;
    private final TableCatalog catalog;
    private final TableRows rows;
    private final TableCatalog jobCatalog;
    private final TableRows jobRows;
    private final TableWriter jobWriter;

    DataWiring(NodeConfig config, BoardLinks board, Clock clock, Database database, NodePools pools, JobIds jobIds) {
        var dsl = pools.requests().dsl();
        var jobDsl = pools.jobs().dsl();
        BindAddresses bindAddresses = new BindAddresses(database.embeddedPort(), config.limits().bindConnectTimeout());
        LocalJobStore localJobs = new LocalJobStore(dsl, clock, jobIds);
        this.catalog = new TableCatalog(dsl, clock);
        TableConnectors connectors = new TableConnectors(new ConnectorStore(dsl), clock);
        MysqlTables mysql = new MysqlTables(connectors, config.limits().bindConnectTimeout());
        this.rows = new TableRows(pools.requests().dataSource(), bindAddresses, mysql);
        UploadSpool spool = new UploadSpool(config.tmpDir());
        UploadService uploads = new UploadService(new UploadStore(dsl, config.limits(), clock), localJobs, config,
                board, clock);
        DownloadService downloads = new DownloadService(catalog, rows, localJobs, config, board);
        TableBinder binder = new TableBinder(dsl, pools.requests().dataSource(), bindAddresses, mysql, clock);
        DataWriter writer = new DataWriter(catalog, rows, mysql, localJobs, config, board);
        this.clientPort = new ClientPort(
                List.of(new DataGrpcService(uploads, downloads, spool, writer),
                        new TableGrpcService(catalog, binder, new JobTableStore(dsl), connectors)),
                List.of(new FlowServer.HttpRoute(HttpMethod.POST, "/v1/data/upload",
                                new UploadHttpService(uploads, spool, config.limits()), true),
                        new FlowServer.HttpRoute(HttpMethod.POST, "/v1/data/download",
                                new DownloadHttpService(downloads))));
        // The same stores over the job pool, for the scheduler and the components its tasks run.
        LocalJobStore schedulerLocalJobs = new LocalJobStore(jobDsl, clock, jobIds);
        this.jobCatalog = new TableCatalog(jobDsl, clock);
        MysqlTables jobMysql = new MysqlTables(new TableConnectors(new ConnectorStore(jobDsl), clock),
                config.limits().bindConnectTimeout());
        this.jobRows = new TableRows(pools.jobs().dataSource(), bindAddresses, jobMysql);
        this.jobWriter = new TableWriter(jobDsl, clock);
        this.registry = Builtins.registry()
                .register(UploadComponent.definition(new UploadService(
                        new UploadStore(jobDsl, config.limits(), clock), schedulerLocalJobs, config, board, clock)))
                .register(DownloadComponent.definition(new DownloadService(jobCatalog, jobRows, schedulerLocalJobs,
                        config, board)))
                .register(WriterComponent.definition(new DataWriter(jobCatalog, jobRows, jobMysql, schedulerLocalJobs,
                        config, board)))
                // the data services registered with /v1/service/registry, read from the job pool by the tasks
                .register(ApiReader.definition(new RegisteredDataServices(new RegistryStore(jobDsl, clock),
                        config.limits(), config.tmpDir(), HookRegistry.DEFAULT_TIMEOUT),
                        config.limits().apiReaderPollInterval()));
    }

    ClientPort clientPort() {
        return clientPort;
    }

    /** The built-in components, data's three modules and ApiReader, as DSLs name them. */
    ComponentRegistry registry() {
        return registry;
    }

    TableCatalog catalog() {
        return catalog;
    }

    TableRows rows() {
        return rows;
    }

    TableCatalog jobCatalog() {
        return jobCatalog;
    }

    TableRows jobRows() {
        return jobRows;
    }

    TableWriter jobWriter() {
        return jobWriter;
    }
}
