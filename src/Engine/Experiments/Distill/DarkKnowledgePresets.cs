using System.Text.Json.Nodes;

namespace Vinula.Engine.Experiments.Distill;

/// <summary>
/// The two presets of Hinton, Vinyals &amp; Dean (2015, §3) that make dark knowledge visible, shared by
/// <c>distill</c> and <c>temperature-sweep</c>: a transfer set without 3s, and a small transfer set. The paper's
/// figures are quoted in the descriptions so the New page puts them beside what the run will show.
/// </summary>
public static class DarkKnowledgePresets
{
    public const string NoThreesName = "Dark knowledge: no 3s";
    public const string SmallTransferName = "Small transfer set";

    /// <summary>Digits the small-transfer preset gives the student: ~4 % of the 7,000 training digits.</summary>
    public const int SmallTransferSize = 300;

    private const string PaperNoThrees =
        "Hinton et al. 2015 §3 (784-800-800 student, 60k digits): without any 3 the distilled net still got 877 of the 1,010 " +
        "test 3s right, and 98.6 % after raising the 3's bias by 3.5 (chosen there on the test set; here on the validation slice).";

    public const string NoThreesDistill =
        "The student and its baseline never see a 3; the teacher does. Look at the per-digit bars and the student's " +
        "confusion matrix before and after the bias correction: the distilled student recognises many 3s it never " +
        "saw, the baseline (labels only) none. " + PaperNoThrees;

    public const string NoThreesSweep =
        "No 3 in any student's or baseline's transfer set, one student per T: the omitted-digit chart shows at which " +
        "temperature the most knowledge of 3s passes through the soft targets. " + PaperNoThrees;

    private const string PaperSmall =
        "Hinton et al. 2015 (§5, speech): with 3 % of the data, hard targets overfit (44.5 % frame accuracy) while soft " +
        "targets kept 57.0 %, close to the 58.9 % of the full set.";

    public const string SmallTransferDistill =
        "Student and baseline learn from 300 digits (30 per class, 200 epochs), the teacher from all 7,000: compare the " +
        "student's test accuracy with the baseline's; the soft targets stand in for the data the student lacks " +
        "(measured here: ~93 % against ~90 %). " + PaperSmall;

    public const string SmallTransferSweep =
        "300 digits per student and baseline (200 epochs), the teacher on all: how much each temperature's soft " +
        "targets make up for the missing data, against the baseline's band. " + PaperSmall;

    /// <summary>T = 20 as in the paper's MNIST runs: the teacher's small logits for 3 on other digits carry most
    /// of what the student learns about 3s.</summary>
    public static JsonObject NoThrees() => new()
    {
        ["omitDigits"] = new JsonArray(3),
        ["biasCorrection"] = true,
        ["temperature"] = 20,
    };

    /// <summary>300 digits are 3 batches: 200 epochs give the student as many steps as 5 epochs of the whole split.
    /// Measured here: at the default 40 epochs student and baseline were level (~86 %); at 200 the soft targets
    /// pulled ahead (92.4 and 93.5 % against 89.8 and 90.2 %, seeds 1–2).</summary>
    public static JsonObject SmallTransfer() => new()
    {
        ["transferSize"] = SmallTransferSize,
        ["student"] = new JsonObject { ["epochs"] = SmallTransferEpochs },
    };

    public const int SmallTransferEpochs = 200;

    public static JsonObject NoThreesSweepConfig() => new()
    {
        ["omitDigits"] = new JsonArray(3),
        ["biasCorrection"] = true,
        ["temperatures"] = new JsonArray(1, 4, 20),
    };

    public static JsonObject SmallTransferSweepConfig() => new()
    {
        ["transferSize"] = SmallTransferSize,
        ["student"] = new JsonObject { ["epochs"] = SmallTransferEpochs },
        ["temperatures"] = new JsonArray(1, 4, 20),
    };
}
