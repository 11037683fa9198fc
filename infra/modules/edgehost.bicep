// Optional GPU edge host on Azure Container Apps (serverless GPU workload profile). Most edge hosts
// are run by independent operators on their own GPU boxes; this one lets a city run its own.
param location string
param tags object
param name string
@description('Container image of the edge host (built from edge/CityFn.Edge).')
param image string
param workloadProfileType string

resource environment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: 'cae-${name}'
  location: location
  tags: tags
  properties: {
    workloadProfiles: [
      {
        name: 'Consumption'
        workloadProfileType: 'Consumption'
      }
      {
        name: 'gpu'
        workloadProfileType: workloadProfileType
      }
    ]
  }
}

resource edge 'Microsoft.App/containerApps@2024-03-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    environmentId: environment.id
    workloadProfileName: 'gpu'
    configuration: {
      ingress: {
        external: true
        targetPort: 8001
        transport: 'http'
      }
    }
    template: {
      containers: [
        {
          name: 'edge'
          image: image
          args: [
            '--device'
            'cuda'
            '--port'
            '8001'
          ]
          resources: {
            cpu: json('8')
            memory: '56Gi'
          }
          probes: [
            {
              type: 'Readiness'
              httpGet: {
                path: '/v2/health/ready'
                port: 8001
              }
            }
          ]
        }
      ]
      scale: {
        minReplicas: 0
        maxReplicas: 1
      }
    }
  }
}

output url string = 'https://${edge.properties.configuration.ingress.fqdn}'
