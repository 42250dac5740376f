namespace Maestro.RegistryService.Apis.Mlflow;

/// <summary>MLflow's error body: <c>{"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "…"}</c>.</summary>
public sealed record MlflowError(string ErrorCode, string Message);
