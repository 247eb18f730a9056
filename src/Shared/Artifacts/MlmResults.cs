namespace Vinula.Shared.Artifacts;

/// <summary>
/// How a masked-LM run is set up, for the page: sizes of teacher and student, which teacher layer seeds each student
/// layer (empty: the student starts from random weights), the data, the masked words the test asks for, the
/// most-frequent-word line, and the batch as micro-batch × accumulation steps.
/// </summary>
public sealed record MlmSetup(
    int TeacherLayers, int StudentLayers, IReadOnlyList<int> InitFromTeacherLayers, int Dim,
    int VocabularySize, int PassageTokens, int TrainPassages, int ValidationPassages, int TestPassages, long TestMaskedWords,
    string MostFrequentWord, double MostFrequentAccuracy, int MicroBatch, int Accumulation, bool TeacherReused)
{
    public const string ArtifactName = "mlm-setup.json";
}

/// <summary>One model's guesses at the masked words of a few test passages (the same passages and masks for every
/// model of the run).</summary>
public sealed record MlmPredictions(string Role, IReadOnlyList<MlmExample> Examples)
{
    public const string Group = "mlm-predictions";

    public static string ArtifactName(string role) => $"mlm-predictions-{role}.json";
}

/// <summary>A test passage's words, and a guess for each word the test masked.</summary>
public sealed record MlmExample(IReadOnlyList<string> Words, IReadOnlyList<MlmGuess> Guesses);

/// <summary>At word <c>Position</c> the model saw <c>Shown</c> (&lt;mask&gt;, a random word, or the word itself: BERT's
/// 80/10/10) and guessed <c>Top</c> with these probabilities, best first.</summary>
public sealed record MlmGuess(int Position, string Shown, IReadOnlyList<string> Top, IReadOnlyList<double> Probabilities);
