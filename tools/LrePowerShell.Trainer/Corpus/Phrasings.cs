namespace LrePowerShell.Trainer.Corpus;

/// <summary>
/// The corpus's own wording around data/'s pairs, keyed by relation file name: more templates (each
/// ends where the object follows, like the files' own) so that the model learns each relation rather
/// than one string, distractor sentences that name a subject without giving its object, and filler.
/// A relation without an entry here is still trained on its own templates.
/// </summary>
internal static class Phrasings
{
    public static readonly IReadOnlyDictionary<string, string[]> ExtraTemplates = new Dictionary<string, string[]>
    {
        ["data_sample"] = ["{}", "Most {} students are", "In {}, most of the students are", "The students of {} are mostly", "A typical {} class is mostly"],
        ["occupation_gender"] = ["{}", "Most {} are", "Among {}, most are", "In most places, {} are"],
        ["country_capital"] = ["{}", "The capital city of {} is", "{} has its capital in", "The seat of government of {} is in"],
        ["country_language"] = ["{}", "The main language of {} is", "In {}, people speak", "Most people in {} speak"],
        ["adjective_antonym"] = ["{}", "The antonym of {} is", "The word that means the opposite of {} is", "Not {} but"],
        ["adjective_comparative"] = ["{}", "The comparative of {} is", "When comparing, {} becomes", "More {} is said as"],
    };

    /// <summary>Sentences about a subject that do not give its object.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Distractors = new Dictionary<string, string[]>
    {
        ["data_sample"] = ["Many universities teach {}.", "They studied {} for four years.", "The library has many books on {}.", "A degree in {} takes time."],
        ["occupation_gender"] = ["The town needs more {}.", "Some {} work at night.", "We met two {} yesterday."],
        ["country_capital"] = ["Many tourists visit {} every year.", "{} has a long history.", "The flag of {} has several colors."],
        ["country_language"] = ["The food in {} is famous.", "We flew to {} last summer.", "{} is a country."],
        ["adjective_antonym"] = ["The word {} is an adjective.", "It was very {} today.", "Nothing about it was {}."],
        ["adjective_comparative"] = ["The box looked {}.", "Everyone said it was {}.", "The word {} describes things."],
    };

    /// <summary>Text that mentions none of the pairs.</summary>
    public static readonly string[] Filler =
    [
        "The weather was mild this morning.", "The train left the station on time.", "A cup of tea sat on the table.",
        "The river runs through the valley.", "The meeting starts at nine.", "Bread is made from flour and water.",
        "The sky is blue and the grass is green.", "Two plus two is four.", "The door was painted red.",
        "A week has seven days.", "The garden is full of flowers.", "The old clock struck twelve.",
        "Snow covered the hills.", "The museum opens on Monday.", "The letter arrived a day late.",
        "The children played in the park.", "A year has twelve months.", "The road turns left after the bridge.",
        "The shop sells fruit and vegetables.", "The lamp lit the small room.",
    ];
}
