package io.hunyuan4j.core.weights;

/** When a bound parameter's data is read from the checkpoint. */
public enum LoadMode {
    /** While binding: the component is fully resident when its constructor returns. */
    EAGER,
    /** On first use: memory grows as the forward pass reaches each block. */
    LAZY,
    /** Never: names and shapes only, to prove a real-size config binds without allocating it. */
    SHAPE_ONLY
}
