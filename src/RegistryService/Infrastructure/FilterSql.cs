using System.Text;
using Maestro.RegistryService.Model;

namespace Maestro.RegistryService.Infrastructure;

/// <summary>A parsed <see cref="ModelFilter"/> as SQL conditions, in the database's dialect.</summary>
internal static class FilterSql
{
    /// <summary>
    /// Appends <paramref name="filter"/>'s conditions as <c> AND …</c> clauses: <c>name</c> compares
    /// <paramref name="nameColumn"/>, <c>tags.key</c> looks in <paramref name="tagTable"/> (aliased
    /// <c>t</c>) for a row matching <paramref name="tagJoin"/>.
    /// </summary>
    public static void Append(
        StringBuilder sql, List<(string, object?)> parameters, ISqlDialect dialect, ModelFilter filter, string nameColumn, string tagTable, string tagJoin)
    {
        for (var i = 0; i < filter.Conditions.Count; i++)
        {
            var condition = filter.Conditions[i];
            var value = $"@v{i}";
            var column = nameColumn;
            if (condition.Field == FilterField.Tag)
            {
                sql.Append($" AND EXISTS (SELECT 1 FROM {tagTable} t WHERE {tagJoin} AND t.key = @k{i} AND ");
                parameters.Add(($"@k{i}", condition.TagKey));
                column = "t.value";
            }
            else
            {
                sql.Append(" AND ");
            }

            var caseSensitive = condition.Operator == FilterOperator.Like;
            sql.Append(condition.Operator switch
            {
                FilterOperator.Equal => $"{column} = {value}",
                FilterOperator.NotEqual => $"{column} <> {value}",
                _ => dialect.Like(column, value, caseSensitive),
            });
            parameters.Add((value, condition.Operator is FilterOperator.Like or FilterOperator.ILike
                ? dialect.LikePattern(condition.Value, caseSensitive)
                : condition.Value));
            if (condition.Field == FilterField.Tag)
            {
                sql.Append(')');
            }
        }
    }
}
