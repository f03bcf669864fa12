package io.fedflow.auth.permission;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PermissionPolicyTest {
    private static final String GUEST = "9999";
    private static final String HOST = "10000";
    private static final DatasetRef HOST_TABLE = new DatasetRef("experiment", "breast_hetero_host");
    private static final PermissionSwitches COMPONENTS_AND_DATASETS = new PermissionSwitches(true, true, true, false);

    @Test
    void permissionSwitchedOffAllowsEverything() {
        PermissionPolicy policy = new PermissionPolicy(List.of(), PermissionSwitches.off());

        assertThat(policy.check(job("heterolr")).isAllowed()).isTrue();
    }

    @Test
    void allowsAJobWhoseComponentsAndDatasetsAreGranted() {
        PermissionPolicy policy = new PermissionPolicy(List.of(
                Grant.component(GUEST, "reader"),
                Grant.component(GUEST, "heterolr"),
                Grant.dataset(GUEST, HOST_TABLE)), COMPONENTS_AND_DATASETS);

        PermissionDecision decision = policy.check(job("reader", "heterolr"));

        assertThat(decision.isAllowed()).isTrue();
        assertThat(decision.retcode()).isZero();
    }

    @Test
    void refusesAnUngrantedComponentWithCode2() {
        PermissionPolicy policy = new PermissionPolicy(List.of(
                Grant.component(GUEST, "reader"), Grant.dataset(GUEST, HOST_TABLE)), COMPONENTS_AND_DATASETS);

        PermissionDecision decision = policy.check(job("reader", "HeteroLR"));

        assertThat(decision.code()).isEqualTo(2);
        assertThat(decision.message()).isEqualTo("check component permission failed: heterolr");
        assertThat(decision.retcode()).isEqualTo(108);
    }

    @Test
    void refusesAnUngrantedDatasetWithCode3() {
        PermissionPolicy policy = new PermissionPolicy(List.of(
                Grant.component(GUEST, "reader"),
                Grant.dataset(GUEST, new DatasetRef("experiment", "breast_hetero_guest"))), COMPONENTS_AND_DATASETS);

        PermissionDecision decision = policy.check(job("reader"));

        assertThat(decision.code()).isEqualTo(3);
        assertThat(decision.message()).isEqualTo(
                "check dataset permission failed: {\"name\": \"breast_hetero_host\", \"namespace\": \"experiment\"}");
        assertThat(decision.retcode()).isEqualTo(108);
    }

    @Test
    void wildcardGrantsCoverEveryComponentAndDataset() {
        PermissionPolicy policy = new PermissionPolicy(List.of(
                Grant.component(GUEST, Grant.ANY),
                new Grant(GUEST, Grant.ANY, GrantType.DATASET, Grant.ANY)), COMPONENTS_AND_DATASETS);

        assertThat(policy.check(job("reader", "heterolr", "evaluation")).isAllowed()).isTrue();
    }

    @Test
    void aSwitchedOffCheckIsSkipped() {
        PermissionPolicy componentsOnly = new PermissionPolicy(List.of(Grant.component(GUEST, "reader")),
                new PermissionSwitches(true, true, false, false));
        PermissionPolicy datasetsOnly = new PermissionPolicy(List.of(Grant.dataset(GUEST, HOST_TABLE)),
                new PermissionSwitches(true, false, true, false));

        assertThat(componentsOnly.check(job("reader")).isAllowed()).isTrue();
        assertThat(datasetsOnly.check(job("heterolr")).isAllowed()).isTrue();
    }

    @Test
    void exemptsTheLocalRolePartyZeroAndTheSendersOwnParty() {
        PermissionPolicy nothingGranted = new PermissionPolicy(List.of(), PermissionSwitches.all());
        List<DatasetRef> tables = List.of(HOST_TABLE);

        assertThat(nothingGranted.check(new JobPermissionRequest(GUEST, "guest", "local", HOST, "create",
                List.of("heterolr"), tables)).isAllowed()).isTrue();
        assertThat(nothingGranted.check(new JobPermissionRequest(GUEST, "guest", "host", "0", "create",
                List.of("heterolr"), tables)).isAllowed()).isTrue();
        assertThat(nothingGranted.check(new JobPermissionRequest(HOST, "guest", "host", HOST, "create",
                List.of("heterolr"), tables)).isAllowed()).isTrue();
        assertThat(nothingGranted.check(job("heterolr")).isAllowed()).isFalse();
    }

    @Test
    void grantsToAnotherPartyDoNotCount() {
        PermissionPolicy policy = new PermissionPolicy(List.of(
                Grant.component("8888", Grant.ANY), Grant.dataset("8888", HOST_TABLE)), COMPONENTS_AND_DATASETS);

        assertThat(policy.check(job("reader")).code()).isEqualTo(2);
    }

    @Test
    void refusesARoleNotGrantedByTheFate17PrivilegesWithCode1() {
        PermissionPolicy policy = new PermissionPolicy(List.of(
                Grant.role(GUEST, "guest", "arbiter"),
                Grant.command(GUEST, "guest", "create")), PermissionSwitches.all());

        PermissionDecision decision = policy.check(job("reader"));

        assertThat(decision.code()).isEqualTo(1);
        assertThat(decision.message()).isEqualTo("check role permission failed: host");
    }

    @Test
    void aSenderWithoutAnyFate17PrivilegeIsCheckedOnComponentsAndDatasetsOnly() {
        PermissionPolicy policy = new PermissionPolicy(List.of(
                Grant.component(GUEST, "reader"),
                Grant.dataset(GUEST, HOST_TABLE)), PermissionSwitches.all());

        assertThat(policy.check(job("reader")).isAllowed()).isTrue();
        assertThat(policy.check(job("reader", "heterolr")).code()).isEqualTo(2);
    }

    @Test
    void refusesACommandNotGrantedByTheFate17PrivilegesWithCode1() {
        PermissionPolicy policy = new PermissionPolicy(List.of(
                Grant.role(GUEST, "guest", "host"),
                Grant.command(GUEST, "guest", "create")), PermissionSwitches.all());

        PermissionDecision decision = policy.check(new JobPermissionRequest(GUEST, "guest", "host", HOST,
                JobPermissionRequest.STOP, List.of(), List.of()));

        assertThat(decision.code()).isEqualTo(1);
        assertThat(decision.message()).isEqualTo("check command permission failed: stop");
    }

    @Test
    void fate17PrivilegesApplyOnlyWhenTheSenderPlaysTheirSourceRole() {
        List<Grant> grants = new PrivilegeGrant(GUEST, "guest", "host", "create", "reader,heterolr").grants();
        PermissionSwitches rolesAndComponents = new PermissionSwitches(true, true, false, true);
        PermissionPolicy policy = new PermissionPolicy(grants, rolesAndComponents);

        assertThat(policy.check(job("reader", "heterolr")).isAllowed()).isTrue();
        assertThat(policy.check(new JobPermissionRequest(GUEST, "arbiter", "host", HOST, "create",
                List.of("reader"), List.of())).message()).isEqualTo("check role permission failed: host");
    }

    @Test
    void fate17AllGrantsEveryRoleCommandAndComponent() {
        List<Grant> grants = new PrivilegeGrant(GUEST, "guest", "all", "all", "all").grants();
        PermissionPolicy policy = new PermissionPolicy(grants, new PermissionSwitches(true, true, false, true));

        assertThat(policy.check(new JobPermissionRequest(GUEST, "guest", "arbiter", HOST, "run",
                List.of("heterosecureboost"), List.of())).isAllowed()).isTrue();
    }

    private static JobPermissionRequest job(String... components) {
        return new JobPermissionRequest(GUEST, "guest", "host", HOST, JobPermissionRequest.CREATE,
                List.of(components), List.of(HOST_TABLE));
    }
}
