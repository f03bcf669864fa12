package io.fedflow.node;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The package structure the node keeps (issue 10): checked on the compiled main classes, one rule per field so
 * that each reports on its own.
 */
@AnalyzeClasses(packages = "io.fedflow.node", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    /** The packages of a capability; {@code server} adapts them to the wire and sits above all of them. */
    private static final String[] DOMAIN = {"..node.data..", "..node.job..", "..node.tracking..",
        "..node.federation..", "..node.hook..", "..node.permission..", "..node.health..", "..node.component..",
        "..node.store.."};

    /**
     * Where SQL may be written: classes named {@code *Store}, the {@code store} package (connection pool,
     * migrations, jOOQ's generated tables), {@code Postgres*} (the PostgreSQL implementations of auth's
     * {@code GrantStore} and {@code ReplayGuard}), data's {@code Table*} classes (the store of users' own
     * tables: their DDL, COPY and rows), and {@code Node}, the composition root that creates the
     * {@code DSLContext} it hands to them.
     */
    private static final DescribedPredicate<JavaClass> STORE_CLASSES = DescribedPredicate.describe("store classes",
            c -> isStore(outermost(c)));

    private static boolean isStore(JavaClass c) {
        return c.getSimpleName().endsWith("Store")
                || c.getPackageName().startsWith("io.fedflow.node.store")
                || c.getSimpleName().startsWith("Postgres")
                || c.getPackageName().equals("io.fedflow.node.data") && c.getSimpleName().startsWith("Table")
                || c.isEquivalentTo(Node.class);
    }

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

    @ArchTest
    static final ArchRule domainDoesNotImportServer = noClasses().that().resideInAnyPackage(DOMAIN)
            .should().dependOnClassesThat().resideInAPackage("io.fedflow.node.server..")
            .because("the server package adapts the domain to the wire, never the other way round");

    @ArchTest
    static final ArchRule componentsStandAlone = noClasses().that().resideInAPackage("io.fedflow.node.component..")
            .should().dependOnClassesThat().resideInAnyPackage("io.fedflow.node.job..", "io.fedflow.node.data..",
                    "io.fedflow.node.federation..", "io.fedflow.node.server..")
            .because("components see the job only through ComponentContext and FederationChannel");

    @ArchTest
    static final ArchRule jooqOnlyInStores = noClasses().that(not(STORE_CLASSES))
            .should().dependOnClassesThat(resideInAnyPackage("org.jooq..", "io.fedflow.node.store.generated.."))
            .because("SQL lives in store classes");
}
