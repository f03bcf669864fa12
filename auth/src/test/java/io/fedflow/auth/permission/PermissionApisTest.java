package io.fedflow.auth.permission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PermissionApisTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final GrantStore store = new InMemoryGrantStore();

    @Test
    void fate17PrivilegesAreGrantedAndQueried() {
        new PrivilegeGrant("9999", "guest", "host, arbiter", "create,stop", "HeteroLR").grantTo(store);

        PrivilegeView view = PrivilegeView.of("9999", "guest", store.all());

        assertThat(view.privilegeRole()).containsExactly("arbiter", "host");
        assertThat(view.privilegeCommand()).containsExactly("create", "stop");
        assertThat(view.privilegeComponent()).containsExactly("heterolr");
        assertThat(PrivilegeView.of("9999", "host", store.all()).privilegeRole()).isEmpty();
    }

    @Test
    void fate17AllIsListedInFullForRolesAndCommands() {
        new PrivilegeGrant("9999", "guest", "all", "all", "all").grantTo(store);

        PrivilegeView view = PrivilegeView.of("9999", "guest", store.all());

        assertThat(view.privilegeRole()).containsExactly("arbiter", "guest", "host");
        assertThat(view.privilegeCommand()).containsExactly("create", "run", "stop");
        assertThat(view.privilegeComponent()).containsExactly("all");
    }

    @Test
    void fate17DeleteRemovesNamedValuesAndRefusesUngrantedOnes() {
        new PrivilegeGrant("9999", "guest", "host,arbiter", "create", null).grantTo(store);

        new PrivilegeGrant("9999", "guest", "arbiter", null, null).deleteFrom(store);
        assertThat(PrivilegeView.of("9999", "guest", store.all()).privilegeRole()).containsExactly("host");

        assertThatThrownBy(() -> new PrivilegeGrant("9999", "guest", null, null, "heterolr").deleteFrom(store))
                .hasMessage("component heterolr is not authorized ,it cannot be deleted");
        new PrivilegeGrant("9999", "guest", "all", null, null).deleteFrom(store);
        assertThat(PrivilegeView.of("9999", "guest", store.all()).privilegeRole()).isEmpty();
    }

    @Test
    void fate17RefusesAnUnknownRoleOrCommand() {
        assertThatThrownBy(() -> new PrivilegeGrant("9999", "guest", "hostx", null, null).grants())
                .hasMessage("hostx does not exist in the permission role");
        assertThatThrownBy(() -> new PrivilegeGrant("9999", "guest", null, "delete", null).grants())
                .hasMessage("delete does not exist in the permission command");
    }

    @Test
    void fate19GrantIsReadFromFatesBodyAndQueriedInFatesShape() throws Exception {
        PartyPermissionGrant grant = PartyPermissionGrant.fromJson(JSON.readTree("""
                {"party_id": "9999", "component": "reader, HeteroLR",
                 "dataset": [{"namespace": "experiment", "name": "breast_hetero_host"}]}"""));
        grant.grantTo(store);

        assertThat(PartyPermissionView.of("9999", store.all()).toJson().toString()).isEqualTo(
                "{\"dataset\":[{\"name\":\"breast_hetero_host\",\"namespace\":\"experiment\"}],"
                        + "\"component\":[\"reader\",\"heterolr\"]}");
        assertThat(PartyPermissionView.of("10000", store.all()).components()).isEmpty();
    }

    @Test
    void fate19DeleteOfStarRemovesEveryGrantOfThatType() throws Exception {
        PartyPermissionGrant.fromJson(JSON.readTree("""
                {"party_id": "9999", "component": "reader,heterolr", "dataset": {"namespace": "ns", "name": "t"}}"""))
                .grantTo(store);

        PartyPermissionGrant.fromJson(JSON.readTree("{\"party_id\": \"9999\", \"component\": \"*\"}")).deleteFrom(store);

        PartyPermissionView view = PartyPermissionView.of("9999", store.all());
        assertThat(view.components()).isEmpty();
        assertThat(view.datasets()).containsExactly(new DatasetRef("ns", "t"));
    }

    @Test
    void fate19RefusesADatasetWithoutNameAndGrantsWhoseSwitchIsOff() throws Exception {
        assertThatThrownBy(() -> PartyPermissionGrant.fromJson(JSON.readTree("""
                {"party_id": "9999", "dataset": {"namespace": "experiment"}}""")))
                .hasMessage("name None or namespace experiment is null");

        PartyPermissionGrant components = PartyPermissionGrant.fromJson(
                JSON.readTree("{\"party_id\": \"9999\", \"component\": \"reader\"}"));
        assertThatThrownBy(() -> components.requireSwitchedOn(PermissionSwitches.off()))
                .hasMessageStartingWith("No permission controller is found");
        assertThatThrownBy(() -> components.requireSwitchedOn(new PermissionSwitches(true, false, true, false)))
                .hasMessage("component permission switch is False");
        assertThatThrownBy(() -> components.requireKnownComponents(Set.of("heterolr")))
                .hasMessage("permission type component value ['reader'] error");
    }

    @Test
    void bothApisShareOneModelOfGrants() throws Exception {
        PartyPermissionGrant.fromJson(JSON.readTree("""
                {"party_id": "9999", "component": "reader,heterolr",
                 "dataset": {"namespace": "experiment", "name": "breast_hetero_host"}}""")).grantTo(store);
        new PrivilegeGrant("9999", "guest", "host", "create", null).grantTo(store);
        JobPermissionRequest job = new JobPermissionRequest("9999", "guest", "host", "10000", "create",
                List.of("Reader", "HeteroLR"), List.of(new DatasetRef("experiment", "breast_hetero_host")));

        assertThat(new PermissionPolicy(store.grantsOf("9999"), PermissionSwitches.all()).check(job).isAllowed())
                .isTrue();

        PartyPermissionGrant.fromJson(JSON.readTree("{\"party_id\": \"9999\", \"component\": \"heterolr\"}"))
                .deleteFrom(store);
        assertThat(new PermissionPolicy(store.grantsOf("9999"), PermissionSwitches.all()).check(job).message())
                .isEqualTo("check component permission failed: heterolr");
    }

    @Test
    void datasetValuesArePrintedAsPythonsJsonDumps() {
        assertThat(new DatasetRef("ns", "表\"x").fateValue()).isEqualTo("{\"name\": \"\\u8868\\\"x\", \"namespace\": \"ns\"}");
        assertThat(DatasetRef.parseFateValue(new DatasetRef("ns", "表\"x").fateValue()))
                .isEqualTo(new DatasetRef("ns", "表\"x"));
    }
}
