package io.hunyuan4j.examples;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependency rules of docs/architecture.md, checked on the production classes of every module (this module
 * sees them all): no package cycles, models independent of the pipeline and the offloader, the component API
 * independent of all three.
 */
class ArchitectureTest {

    /** Packages that hold model code or what model code is built from. */
    private static final String[] MODELS = {"io.hunyuan4j.core.transformer..", "io.hunyuan4j.vae..",
        "io.hunyuan4j.text..", "io.hunyuan4j.core.nn..", "io.hunyuan4j.core.ops..", "io.hunyuan4j.core.weights..",
        "io.hunyuan4j.core.scheduler..", "io.hunyuan4j.cogvideox.transformer..", "io.hunyuan4j.cogvideox.vae..",
        "io.hunyuan4j.dit.transformer.."};

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.hunyuan4j");
    }

    @Test
    void importsEveryModule() {
        for (String pkg : new String[] {"io.hunyuan4j.core.api", "io.hunyuan4j.core.pipeline",
            "io.hunyuan4j.core.offload", "io.hunyuan4j.core.transformer", "io.hunyuan4j.vae", "io.hunyuan4j.text",
            "io.hunyuan4j.examples", "io.hunyuan4j.golden", "io.hunyuan4j.testing", "io.hunyuan4j.spark"}) {
            if (!classes.containPackage(pkg)) {
                throw new AssertionError("no classes imported from " + pkg + "; the rules below would pass vacuously");
            }
        }
    }

    @Test
    void packagesAreFreeOfCycles() {
        slices().matching("io.hunyuan4j.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void modelsDependOnNeitherPipelineNorOffload() {
        noClasses().that().resideInAnyPackage(MODELS)
                .should().dependOnClassesThat().resideInAnyPackage("..pipeline..", "..offload..")
                .because("models see the pipeline and the offloader only through io.hunyuan4j.core.api")
                .check(classes);
    }

    @Test
    void componentApiDependsOnNoModelPipelineOrOffload() {
        noClasses().that().resideInAPackage("io.hunyuan4j.core.api..")
                .should().dependOnClassesThat().resideInAnyPackage("io.hunyuan4j.core.transformer..",
                        "io.hunyuan4j.vae..", "io.hunyuan4j.text..", "..pipeline..", "..offload..")
                .check(classes);
    }

    @Test
    void offloadDoesNotDependOnPipeline() {
        noClasses().that().resideInAPackage("io.hunyuan4j.core.offload..")
                .should().dependOnClassesThat().resideInAPackage("..pipeline..")
                .check(classes);
    }

    @Test
    void onlyTheSparkModuleUsesSparkOrHadoopAndNothingUsesIt() {
        noClasses().that().resideOutsideOfPackage("io.hunyuan4j.spark..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.spark..", "org.apache.hadoop..",
                        "io.hunyuan4j.spark..")
                .because("hunyuan-spark is an application-level leaf: Spark is provided by the cluster, and the SDK"
                        + " must run without it")
                .check(classes);
    }
}
