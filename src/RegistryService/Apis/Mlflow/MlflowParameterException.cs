namespace Maestro.RegistryService.Apis.Mlflow;

/// <summary>
/// A request parameter MLflow's API would refuse; <see cref="MlflowApi"/> answers it as
/// <c>INVALID_PARAMETER_VALUE</c> (400) with <see cref="Exception.Message"/>.
/// </summary>
internal sealed class MlflowParameterException(string message) : Exception(message);
