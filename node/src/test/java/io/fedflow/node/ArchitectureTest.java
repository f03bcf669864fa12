package io.fedflow.node;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Set;
import org.jooq.JSONB;

/**
 * The package structure the node keeps (issue 10): checked on the compiled main classes, one rule per field so
 * that each reports on its own.
 */
@AnalyzeClasses(packages = "io.fedflow.node", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    /** The packages of a capability; {@code server} adapts them to the wire and sits above all of them. */
    private static final String[] DOMAIN = {"..node.data..", "..node.job..", "..node.tracking..",
        "..node.federation..", "..node.hook..", "..node.permission..", "..node.health..", "..node.component..",
        "..node.serving..", "..node.store.."};

    /**
     * Where SQL may be written: classes named {@code *Store}, the {@code store} package (connection pool,
     * migrations, jOOQ's generated tables), {@code Postgres*} (the PostgreSQL implementations of auth's
     * {@code GrantStore} and {@code ReplayGuard}), data's {@code Table*} classes (the store of users' own
     * tables: their DDL, COPY and rows), and the composition root (the root package: {@code Node}, {@code
     * NodePools} and the per-domain wirings), which creates the {@code DSLContext} and hands it to the stores.
     */
    private static final DescribedPredicate<JavaClass> STORE_CLASSES = DescribedPredicate.describe("store classes",
            c -> isStore(outermost(c)));

    private static boolean isStore(JavaClass c) {
        return c.getSimpleName().endsWith("Store")
                || c.getPackageName().startsWith("io.fedflow.node.store")
                || c.getSimpleName().startsWith("Postgres")
                || c.getPackageName().equals("io.fedflow.node.data") && c.getSimpleName().startsWith("Table")
                || c.getPackageName().equals("io.fedflow.node");
    }

    /** What a generated record does to its row in the database. */
    private static final Set<String> RECORD_WRITES = Set.of("store", "insert", "update", "delete", "refresh",
            "merge", "attach");

    /** Nested, anonymous and lambda classes count as the top-level class they are written in. */
    private static JavaClass outermost(JavaClass c) {
        JavaClass top = c;
        while (top.getEnclosingClass().isPresent()) {
            top = top.getEnclosingClass().get();
        }
        return top;
    }

    @ArchTest
    static final ArchRule noCyclesBetweenPackages = slices().matching("io.fedflow.node.(*)..")
            .as("packages under io.fedflow.node").should().beFreeOfCycles();

    /**
     * The root package is the composition root: it wires every package, so one that imported it back would
     * close a cycle the slices above cannot see (they start one level down).
     */
    @ArchTest
    static final ArchRule nothingImportsTheCompositionRoot = noClasses().that()
            .resideOutsideOfPackage("io.fedflow.node")
            .should().dependOnClassesThat().resideInAPackage("io.fedflow.node")
            .because("the root package wires the node; the types packages share are in core");

    @ArchTest
    static final ArchRule coreStandsAlone = classes().that().resideInAPackage("io.fedflow.node.core..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("io.fedflow.node.core..", "io.fedflow.proto..",
                    "java..")
            .because("core sits below every package of the node");

    @ArchTest
    static final ArchRule domainDoesNotImportServer = noClasses().that().resideInAnyPackage(DOMAIN)
            .should().dependOnClassesThat().resideInAPackage("io.fedflow.node.server..")
            .because("the server package adapts the domain to the wire, never the other way round");

    @ArchTest
    static final ArchRule componentsStandAlone = noClasses().that().resideInAPackage("io.fedflow.node.component..")
            .should().dependOnClassesThat().resideInAnyPackage("io.fedflow.node.job..", "io.fedflow.node.data..",
                    "io.fedflow.node.federation..", "io.fedflow.node.server..")
            .because("components see the job only through ComponentContext and FederationChannel");

    /**
     * jOOQ's API and the generated tables are the store classes' own. The generated records may travel
     * beyond them as the rows they are (a task, a table's meta), with their values ({@code JSONB} is the value
     * of a jsonb column), but only a store may write one back.
     */
    @ArchTest
    static final ArchRule jooqOnlyInStores = noClasses().that(not(STORE_CLASSES))
            .should().dependOnClassesThat(resideInAnyPackage("org.jooq..", "io.fedflow.node.store.generated")
                    .or(resideInAnyPackage("io.fedflow.node.store.generated.tables"))
                    .and(not(JavaClass.Predicates.equivalentTo(JSONB.class))))
            .because("SQL lives in store classes");

    @ArchTest
    static final ArchRule onlyStoresWriteRecords = noClasses().that(not(STORE_CLASSES))
            .should().callMethodWhere(DescribedPredicate.describe("a generated record's write or refresh",
                    call -> call.getTargetOwner().getPackageName().equals(
                            "io.fedflow.node.store.generated.tables.records")
                            && RECORD_WRITES.contains(call.getName())))
            .because("SQL lives in store classes");

}
