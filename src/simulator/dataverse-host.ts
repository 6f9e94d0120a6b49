/** The Web API host of a simulated Dataverse organization: real-looking, independent of the simulator's port. */
export function dataverseApiHost(uniqueName: string): string {
  return `${uniqueName}.api.crm4.dynamics.com`;
}
