package io.hunyuan4j.spark;

import ai.djl.Device;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.pipeline.CancellationToken;
import io.hunyuan4j.core.pipeline.ConditionImageException;
import io.hunyuan4j.core.pipeline.GenerationCancelledException;
import io.hunyuan4j.core.pipeline.GenerationRequest;
import io.hunyuan4j.core.pipeline.Video;
import io.hunyuan4j.core.pipeline.VideoPipeline;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.testing.TinyModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.jspecify.annotations.Nullable;

/**
 * One task's work, in an executor: each request row of the partition becomes one result row. A request that
 * cannot run (bad input, a failure inside generation, a failed write) becomes a {@code FAILED} row and the task
 * goes on; what is not a request's fault fails the task, so Spark retries it: the model not loading, the task
 * being killed, an {@link Error}.
 */
final class GenerateTask implements MapPartitionsFunction<Row, Row> {

    private static final long serialVersionUID = 1L;

    private final SparkVideoGenerator.Settings settings;
    private final Broadcast<HadoopConf> conf;

    GenerateTask(SparkVideoGenerator.Settings settings, Broadcast<HadoopConf> conf) {
        this.settings = settings;
        this.conf = conf;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> requests) throws IOException {
        TaskContext task = TaskContext.get();
        Device device = GpuPlacement.device(task.resourcesJMap());
        VideoResults.Origin origin = new VideoResults.Origin(device.toString(), SparkEnv.get().executorId(),
                task.attemptNumber());
        Configuration hadoop = conf.value().get();
        VideoOutput output = VideoOutput.at(settings.outputDir(), hadoop);
        ExecutorPipelines.Key key = new ExecutorPipelines.Key(settings.model(), settings.computeDtype(),
                settings.offload(), device.toString());
        List<Row> results = new ArrayList<>();
        while (requests.hasNext()) {
            results.add(process(requests.next(), task, device, key, output, hadoop).toRow(origin));
        }
        return results.iterator();
    }

    private VideoResults.Outcome process(Row row, TaskContext task, Device device, ExecutorPipelines.Key key,
            VideoOutput output, Configuration hadoop) throws IOException {
        String id = null;
        Long seed = null;
        GenerationRequest request;
        try {
            id = RequestParser.id(row);
            seed = RequestParser.seed(row, id);
            request = RequestParser.request(row, seed, settings.defaults());
        } catch (IllegalArgumentException | UnsupportedOperationException | ConditionImageException
                | UncheckedIOException e) {
            return VideoResults.Outcome.failed(id != null ? id : nullableId(row), seed, e);
        }
        org.apache.hadoop.fs.Path target = output.target(id);
        if (output.isComplete(target)) {
            return new VideoResults.Outcome(id, VideoResults.Status.EXISTED, target.toString(), seed, null, null,
                    0, 0, 0);
        }
        ExecutorPipelines.Lease lease = ExecutorPipelines.get(key, () -> load(device, hadoop));
        Video video;
        long t0 = System.nanoTime();
        try {
            video = generate(lease.loaded().pipeline(), request, task, key.device());
        } catch (GenerationCancelledException e) {
            throw e; // the task was killed: Spark decides what happens next, not this row
        } catch (RuntimeException e) {
            return VideoResults.Outcome.failed(id, seed, e);
        }
        long t1 = System.nanoTime();
        org.apache.hadoop.fs.Path written;
        try {
            written = output.write(id, video, task.taskAttemptId(), settings.beforeRename());
        } catch (IOException | UncheckedIOException e) {
            return VideoResults.Outcome.failed(id, seed, e);
        }
        long t2 = System.nanoTime();
        return new VideoResults.Outcome(id, VideoResults.Status.GENERATED, written.toString(), seed, null,
                lease.loaded().instance(), lease.loadedNow() ? lease.loaded().loadMillis() : 0, millis(t1 - t0),
                millis(t2 - t1));
    }

    /** One generation at a time per device; a killed task stops at the next denoising step. */
    private static Video generate(VideoPipeline pipeline, GenerationRequest request, TaskContext task,
            String device) {
        ReentrantLock lock = ExecutorPipelines.deviceLock(device);
        try {
            lock.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GenerationCancelledException("task killed while waiting for " + device, 0);
        }
        try {
            CancellationToken cancel = new CancellationToken();
            return pipeline.generate(request, event -> {
                if (task.isInterrupted()) {
                    cancel.cancel();
                }
            }, cancel);
        } finally {
            lock.unlock();
        }
    }

    private VideoPipeline load(Device device, Configuration hadoop) {
        ComponentOptions options = new ComponentOptions(device, settings.computeDtype(),
                settings.offload().loadMode(LoadMode.EAGER));
        String model = settings.model();
        if (model == null) {
            return TinyModel.builder(options).offload(settings.offload()).build();
        }
        try {
            java.nio.file.Path dir = ModelLocation.localize(model, hadoop, Paths.get(SparkFiles.getRootDirectory()));
            return VideoPipeline.pretrained(dir, options).offload(settings.offload()).build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the model from " + model + ": " + e.getMessage(), e);
        }
    }

    private static @Nullable String nullableId(Row row) {
        int i = VideoRequests.COLUMNS.indexOf(VideoRequests.ID);
        return row.isNullAt(i) ? null : row.getString(i);
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
