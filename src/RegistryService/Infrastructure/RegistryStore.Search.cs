using System.Text;
using Maestro.RegistryService.Model;
using static Maestro.RegistryService.Infrastructure.Sql;

namespace Maestro.RegistryService.Infrastructure;

/// <summary>Listing models: filtered, in name order, one page at a time.</summary>
internal sealed partial class RegistryStore
{
    /// <summary>
    /// Models matching <paramref name="filter"/> whose names sort after <paramref name="afterName"/>,
    /// at most <paramref name="maxResults"/>, in name order; the last name is the next page's start
    /// when more follow.
    /// </summary>
    public (IReadOnlyList<RegisteredModel> Models, string? LastName) SearchModels(ModelFilter filter, int maxResults, string? afterName)
    {
        var sql = new StringBuilder("SELECT name FROM models m WHERE m.name > $after");
        var parameters = new List<(string, object?)> { ("$after", afterName ?? "") };
        for (var i = 0; i < filter.Conditions.Count; i++)
        {
            var condition = filter.Conditions[i];
            var value = $"$v{i}";
            var column = "m.name";
            if (condition.Field == FilterField.Tag)
            {
                sql.Append($" AND EXISTS (SELECT 1 FROM model_tags t WHERE t.model = m.name AND t.key = $k{i} AND ");
                parameters.Add(($"$k{i}", condition.TagKey));
                column = "t.value";
            }
            else
            {
                sql.Append(" AND ");
            }

            sql.Append(condition.Operator switch
            {
                FilterOperator.Equal => $"{column} = {value}",
                FilterOperator.NotEqual => $"{column} <> {value}",
                FilterOperator.ILike => $"{column} LIKE {value}",
                _ => $"{column} GLOB {value}",
            });
            parameters.Add((value, condition.Operator == FilterOperator.Like ? LikeToGlob(condition.Value) : condition.Value));
            if (condition.Field == FilterField.Tag)
            {
                sql.Append(')');
            }
        }

        sql.Append(" ORDER BY m.name LIMIT $limit");
        parameters.Add(("$limit", maxResults + 1));

        using var connection = _database.Open();
        var names = new List<string>();
        using (var command = Command(connection, null, sql.ToString(), [.. parameters]))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                names.Add(reader.GetString(0));
            }
        }

        var more = names.Count > maxResults;
        var page = ReadModels(connection, names.Take(maxResults).ToArray());
        return (page, more ? page[^1].Name : null);
    }

    /// <summary>SQL LIKE (case-insensitive in SQLite) becomes GLOB, which is case-sensitive: % → *, _ → ?.</summary>
    internal static string LikeToGlob(string pattern)
    {
        var glob = new StringBuilder(pattern.Length);
        foreach (var c in pattern)
        {
            glob.Append(c switch
            {
                '%' => "*",
                '_' => "?",
                '*' => "[*]",
                '?' => "[?]",
                '[' => "[[]",
                _ => c.ToString(),
            });
        }

        return glob.ToString();
    }
}
