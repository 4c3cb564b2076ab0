package io.impetus.model;

/**
 * A classifier's figures on a data set: the number of examples, the mean softmax cross-entropy
 * loss over them, and the fraction whose highest logit is the true class (ties go to the lowest
 * class index, as {@code argmax} does).
 */
public record Evaluation(int examples, double loss, double accuracy) {}
