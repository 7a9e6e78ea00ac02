package dev.switchboard;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** Dependencies point down (DESIGN.md §5): the domain knows nothing of Vert.x, Netty, JDBC or HTTP. */
class ArchitectureTest {
    static JavaClasses product;

    @BeforeAll
    static void importProduct() {
        product = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.switchboard");
    }

    @Test
    void domainPackagesUseNoServerNetworkOrDatabaseClasses() {
        ArchRule rule = noClasses()
                .that().resideInAnyPackage("..switchboard.protocol..", "..switchboard.catalog..",
                        "..switchboard.routing..", "..switchboard.accounting..", "..switchboard.stats..",
                        "..switchboard.config..", "..switchboard.plugins..")
                .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "io.netty..", "java.sql..",
                        "javax.sql..", "java.net.http..", "..switchboard.server..", "..switchboard.gateway..",
                        "..switchboard.providers..");
        rule.check(product);
    }

    @Test
    void onlyTheServerKnowsTheServer() {
        noClasses().that().resideOutsideOfPackage("..switchboard.server..")
                .should().dependOnClassesThat().resideInAPackage("..switchboard.server..")
                .check(product);
    }

    @Test
    void providersDoNotKnowTheGateway() {
        noClasses().that().resideInAPackage("..switchboard.providers..")
                .should().dependOnClassesThat().resideInAnyPackage("..switchboard.gateway..", "..switchboard.routing..")
                .check(product);
    }

    @Test
    void theBottomLayersStayAtTheBottom() {
        noClasses().that().resideInAnyPackage("..switchboard.protocol..", "..switchboard.config..")
                .should().dependOnClassesThat().resideInAnyPackage("..switchboard.catalog..", "..switchboard.routing..",
                        "..switchboard.accounting..", "..switchboard.stats..")
                .check(product);
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching("dev.switchboard.(*)..").should().beFreeOfCycles().check(product);
    }
}
