package io.fedflow.node.hook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.auth.hook.BuiltinPermissionHook;
import io.fedflow.auth.hook.HookName;
import io.fedflow.node.testing.NodeExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** FATE's server and service registration over JSON, persisted in PostgreSQL. */
class RegistryApiTest {
    @RegisterExtension
    static final NodeExtension node = NodeExtension.of();

    @Test
    void serverRegistrationRoundTripUpperCasesTheName() {
        JsonNode registered = node.http().post("/v1/server/fateboard/register",
                "{\"host\": \"127.0.0.1\", \"port\": 8080, \"protocol\": \"http\"}");
        assertThat(registered.get("retcode").asInt()).as(registered.toString()).isZero();
        assertThat(registered.at("/data/port").asInt()).isEqualTo(8080);
        // FATE's "service/" form, a port as a string
        JsonNode again = node.http().post("/v1/server/service/Board2/register", "{\"host\": \"10.0.0.2\", \"port\": \"9090\"}");
        assertThat(again.get("retcode").asInt()).as(again.toString()).isZero();

        JsonNode one = node.http().post("/v1/server/FateBoard/get", "{}");
        assertThat(one.get("retcode").asInt()).as(one.toString()).isZero();
        assertThat(one.at("/data/host").asText()).isEqualTo("127.0.0.1");
        assertThat(node.http().post("/v1/server/service/board2/get", "{}").at("/data/protocol").asText()).isEqualTo("http");

        for (String path : new String[] {"/v1/server/get", "/v1/server/service/get", "/v1/server/reload"}) {
            JsonNode all = node.http().post(path, "{}");
            assertThat(all.get("retcode").asInt()).as(path + " " + all).isZero();
            assertThat(all.at("/data/FATEBOARD/port").asInt()).as(path).isEqualTo(8080);
            assertThat(all.at("/data/BOARD2/host").asText()).as(path).isEqualTo("10.0.0.2");
        }

        JsonNode deleted = node.http().post("/v1/server/service/board2/delete", "{}");
        assertThat(deleted.get("retcode").asInt()).as(deleted.toString()).isZero();
        JsonNode gone = node.http().post("/v1/server/board2/get", "{}");
        assertThat(gone.get("retcode").asInt()).isEqualTo(101);
        assertThat(gone.get("retmsg").asText()).contains("BOARD2", "not registered");
        assertThat(node.http().post("/v1/server/board2/delete", "{}").get("retcode").asInt()).isEqualTo(101);
    }

    @Test
    void serviceRegistrationIsQueryableAndFollowsItsServer() {
        node.http().post("/v1/server/permsrv/register", "{\"host\": \"127.0.0.1\", \"port\": 7001}");
        JsonNode registered = node.http().post("/v1/service/registry", "{\"server_name\": \"permsrv\", \"service_name\": "
                + "\"permission\", \"uri\": \"/check\", \"data\": {\"tenant\": \"a\"}, \"headers\": {\"X-T\": \"1\"}}");
        assertThat(registered.get("retcode").asInt()).as(registered.toString()).isZero();
        assertThat(node.node().hooks().registrationOf(HookName.PERMISSION)).isPresent();
        assertThat(node.node().hooks().current().permission()).isNotInstanceOf(BuiltinPermissionHook.class);

        JsonNode query = node.http().post("/v1/service/query", "{\"service_name\": \"permission\"}");
        assertThat(query.get("retcode").asInt()).as(query.toString()).isZero();
        JsonNode row = query.at("/data/service_info/0");
        assertThat(row.get("f_server_name").asText()).isEqualTo("PERMSRV");
        assertThat(row.get("f_url").asText()).isEqualTo("http://127.0.0.1:7001/check");
        assertThat(row.get("f_method").asText()).isEqualTo("POST");
        assertThat(row.at("/f_data/tenant").asText()).isEqualTo("a");
        assertThat(row.at("/f_headers/X-T").asText()).isEqualTo("1");

        // the server moves: its services' URLs follow
        node.http().post("/v1/server/permsrv/register", "{\"host\": \"127.0.0.2\", \"port\": 7002}");
        assertThat(node.http().post("/v1/service/query", "{\"service_name\": \"permission\"}")
                .at("/data/service_info/0/f_url").asText()).isEqualTo("http://127.0.0.2:7002/check");

        // deleting the server drops its services and gives the hook back to the built-in
        assertThat(node.http().post("/v1/server/permsrv/delete", "{}").get("retcode").asInt()).isZero();
        assertThat(node.http().post("/v1/service/query", "{\"service_name\": \"permission\"}").at("/data/service_info")
                .size()).isZero();
        assertThat(node.node().hooks().current().permission()).isInstanceOf(BuiltinPermissionHook.class);
    }

    @Test
    void fatesBatchFormRegistersServersWithTheirServicesOrNothing() {
        JsonNode registered = node.http().post("/v1/service/registry", """
                {"batchsrv": {"host": "127.0.0.1", "port": 8900, "api": {
                   "upload": {"uri": "/v1/data/upload"}, "query": {"uri": "/v1/data/query", "method": "GET"}}}}""");
        assertThat(registered.get("retcode").asInt()).as(registered.toString()).isZero();
        assertThat(registered.at("/data/BATCHSRV/port").asInt()).isEqualTo(8900);
        JsonNode query = node.http().post("/v1/service/query", "{\"service_name\": \"query\"}");
        assertThat(query.at("/data/service_info/0/f_url").asText()).isEqualTo("http://127.0.0.1:8900/v1/data/query");
        assertThat(query.at("/data/service_info/0/f_method").asText()).isEqualTo("GET");

        // one bad service: neither the server nor its good service is saved
        JsonNode refused = node.http().post("/v1/service/registry", """
                {"halfsrv": {"host": "127.0.0.1", "port": 8901, "api": {
                   "download": {"uri": "/v1/data/download"}, "teleport": {"uri": "/x"}}}}""");
        assertThat(refused.get("retcode").asInt()).isEqualTo(101);
        assertThat(refused.get("retmsg").asText()).contains("teleport");
        assertThat(node.http().post("/v1/server/halfsrv/get", "{}").get("retcode").asInt()).isNotZero();
    }

    @Test
    void badRegistrationsAreRefusedWithWhatIsWrong() {
        node.http().post("/v1/server/okserver/register", "{\"host\": \"127.0.0.1\", \"port\": 7003}");
        assertRefused("/v1/server/x/register", "{\"port\": 80}", "host");
        assertRefused("/v1/server/x/register", "{\"host\": \"h\"}", "port");
        assertRefused("/v1/server/x/register", "{\"host\": \"h\", \"port\": 70000}", "port");
        assertRefused("/v1/server/x/register", "{\"host\": \"h\", \"port\": \"eighty\"}", "port");
        assertRefused("/v1/server/x/register", "{\"host\": \"h\", \"port\": 80, \"protocol\": \"ftp\"}", "protocol");
        assertRefused("/v1/service/registry", "{\"server_name\": \"okserver\", \"service_name\": \"magic\", "
                + "\"uri\": \"/m\"}", "service_name magic");
        assertRefused("/v1/service/registry", "{\"server_name\": \"okserver\", \"service_name\": \"permission\"}",
                "uri");
        assertRefused("/v1/service/registry", "{\"server_name\": \"okserver\", \"service_name\": \"permission\", "
                + "\"uri\": \"check\"}", "uri");
        assertRefused("/v1/service/registry", "{\"server_name\": \"okserver\", \"service_name\": \"permission\", "
                + "\"uri\": \"/c\", \"method\": \"FETCH\"}", "method");
        assertRefused("/v1/service/registry", "{\"service_name\": \"permission\", \"uri\": \"/c\"}", "server_name");
        assertRefused("/v1/service/query", "{}", "service_name");
        JsonNode unknownServer = node.http().post("/v1/service/registry", "{\"server_name\": \"nowhere\", "
                + "\"service_name\": \"permission\", \"uri\": \"/c\"}");
        assertThat(unknownServer.get("retcode").asInt()).isEqualTo(101);
        assertThat(unknownServer.get("retmsg").asText()).contains("NOWHERE", "register");
        assertThat(node.node().hooks().registrationOf(HookName.PERMISSION)).isEmpty();
    }

    private static void assertRefused(String path, String body, String mentioned) {
        JsonNode answer = node.http().post(path, body);
        assertThat(answer.get("retcode").asInt()).as(path + " " + body + " -> " + answer).isEqualTo(101);
        assertThat(answer.get("retmsg").asText()).as(path + " " + body).contains(mentioned);
    }
}
