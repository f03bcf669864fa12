package io.fedflow.node.federation;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedflow.auth.permission.DatasetRef;
import io.fedflow.auth.permission.Grant;
import io.fedflow.auth.permission.GrantType;
import io.fedflow.node.permission.PostgresGrantStore;
import io.fedflow.node.store.Database;
import io.fedflow.node.testing.TestNodes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The PostgreSQL halves of the auth module's contracts: the replay guard and the grant store. */
class SiteSecurityStoresTest {
    @Test
    void aNonceIsAcceptedOnceEvenAcrossARestartAndUnderConcurrency() throws Exception {
        String url = TestNodes.newDatabase();
        long now = System.currentTimeMillis();
        try (Database db = Database.external(url, "postgres", null)) {
            PostgresReplayGuard guard = new PostgresReplayGuard(db.dsl(), Clock.systemUTC());
            assertThat(guard.firstSeen("10000", "n1", now)).isTrue();
            assertThat(guard.firstSeen("10000", "n1", now)).isFalse();
            assertThat(guard.firstSeen("9999", "n1", now)).isTrue(); // nonces are per source

            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Callable<Boolean>> tries = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                tries.add(() -> guard.firstSeen("10000", "raced", now));
            }
            int winners = 0;
            for (Future<Boolean> f : pool.invokeAll(tries)) {
                winners += f.get() ? 1 : 0;
            }
            pool.shutdown();
            assertThat(winners).isEqualTo(1);
        }
        // a new pool over the same database: the node restarted
        try (Database db = Database.external(url, "postgres", null)) {
            PostgresReplayGuard guard = new PostgresReplayGuard(db.dsl(), Clock.systemUTC());
            assertThat(guard.firstSeen("10000", "n1", now)).isFalse();
            // once the window has passed, expired nonces are swept
            Clock later = Clock.fixed(Instant.ofEpochMilli(now).plus(PostgresReplayGuard.KEEP)
                    .plus(Duration.ofMinutes(1)), ZoneOffset.UTC);
            assertThat(new PostgresReplayGuard(db.dsl(), later).sweep()).isEqualTo(3);
        }
    }

    @Test
    void grantsOfBothPermissionApisRoundTrip() throws Exception {
        try (Database db = Database.external(TestNodes.newDatabase(), "postgres", null)) {
            PostgresGrantStore store = new PostgresGrantStore(db.dsl(), Clock.systemUTC());
            Grant component = Grant.component("9999", "reader");
            Grant dataset = Grant.dataset("9999", new DatasetRef("experiment", "breast_hetero_host"));
            Grant role = Grant.role("10000", "guest", "host");
            Grant command = Grant.command("10000", "guest", "create");
            assertThat(store.add(component)).isTrue();
            assertThat(store.add(component)).isFalse();
            assertThat(store.add(dataset)).isTrue();
            assertThat(store.add(role)).isTrue();
            assertThat(store.add(command)).isTrue();
            assertThat(store.grantsOf("9999")).containsExactlyInAnyOrder(component, dataset);
            assertThat(store.all()).hasSize(4);
            assertThat(store.removeAll("10000", "guest", GrantType.ROLE)).isEqualTo(1);
            assertThat(store.remove(component)).isTrue();
            assertThat(store.remove(component)).isFalse();
            assertThat(store.all()).containsExactlyInAnyOrder(dataset, command);
        }
    }
}
