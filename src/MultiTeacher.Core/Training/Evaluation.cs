namespace MultiTeacher.Core.Training;

/// <summary>Accuracy of a model on a labelled set.</summary>
/// <param name="Accuracy">Fraction of rows whose arg-max logit is the label.</param>
/// <param name="PerClass">Accuracy per true class (recall); NaN for a class with no rows.</param>
/// <param name="Confusion">Counts: <c>Confusion[trueClass][predictedClass]</c>.</param>
/// <param name="Count">Rows evaluated.</param>
public sealed record Evaluation(double Accuracy, double[] PerClass, int[][] Confusion, int Count);
